// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "booknetic-campaigns",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bkntc-campaigns", targets: ["bkntc-campaigns"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CMariaDB",
            pkgConfig: "libmariadb",
            providers: [.apt(["libmariadb-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        .target(name: "SQL", swiftSettings: strict),
        .target(
            name: "MariaDB",
            dependencies: [
                "CMariaDB", "SQL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(name: "Campaigns", dependencies: ["SQL"], swiftSettings: strict),
        .target(
            name: "Schema",
            path: "Schema",
            resources: [.copy("migrations"), .copy("optional"), .copy("booknetic")],
            swiftSettings: strict
        ),
        .target(
            name: "CampaignStore",
            dependencies: [
                "Campaigns", "MariaDB", "Schema",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Engine",
            dependencies: [
                "Campaigns",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Messaging",
            dependencies: [
                "Campaigns", "CCurlShim",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Server",
            dependencies: [
                "Campaigns", "CampaignStore", "MariaDB", "Engine", "Messaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bkntc-campaigns",
            dependencies: [
                "Server", "CampaignStore", "MariaDB", "Campaigns", "Messaging", "Engine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The in-memory stores and provider doubles: router tests, engine tests and fuzzing run
        // the real code on them without a database.
        .target(name: "InMemoryStores", dependencies: ["Campaigns"], swiftSettings: strict),
        .target(
            name: "TestSupport",
            dependencies: [
                "MariaDB", "Campaigns", "InMemoryStores", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "CampaignsTests", dependencies: ["Campaigns"], swiftSettings: strict),
        // The engine's decisions as values: no database, no server, milliseconds.
        .testTarget(name: "EngineCoreTests", dependencies: ["Engine", "Campaigns"], swiftSettings: strict),
        .testTarget(
            name: "MessagingTests",
            dependencies: ["Messaging", "Campaigns", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(name: "MariaDBTests", dependencies: ["MariaDB", "CCurlShim", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CampaignStoreTests",
            dependencies: ["CampaignStore", "Campaigns", "MariaDB", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: ["Engine", "CampaignStore", "Campaigns", "MariaDB", "Schema", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "CampaignStore", "Campaigns", "MariaDB", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
    ]
)

// `Fuzz/` is a package of its own (built by Scripts/fuzz with `--sanitize=fuzzer`) that links the
// parsers through this library. It is declared only when BKNTC_FUZZ_PRODUCTS=1 (Scripts/fuzz sets
// it), so for everyone else the package's products stay exactly the executable above.
if Context.environment["BKNTC_FUZZ_PRODUCTS"] == "1" {
    package.products.append(
        .library(name: "BookneticCampaignsParsers", targets: ["Campaigns", "CampaignStore", "Messaging", "Server", "InMemoryStores"])
    )
}
