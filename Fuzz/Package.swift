// swift-tools-version:6.1
import PackageDescription

// libFuzzer harnesses for every parser that reads outside data (see Scripts/fuzz). A package of its
// own so that `--sanitize=fuzzer` and its build directory never touch the service's build; the root
// package vends its parsers to it only when BKNTC_FUZZ_PRODUCTS=1.
let package = Package(
    name: "booknetic-campaigns-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "booknetic-campaigns", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        .executableTarget(
            name: "bkntc-fuzz",
            dependencies: [
                .product(name: "BookneticCampaignsParsers", package: "booknetic-campaigns"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
