import Campaigns

/// Customers' email addresses: a normalized address is ASCII, at most 254 bytes, has one `@`
/// and a lower-case domain, and normalizes to itself.
enum EmailTarget {
    static func run(_ input: FuzzInput) {
        let raw = input.text
        let normalized = AddressNormalizer.normalizeEmail(raw)
        let normalizer = AddressNormalizer(defaultCountryCode: "1")
        require(normalizer.normalize(raw, for: .email) == normalized, "the email channel normalizes '\(raw)' differently")
        guard let normalized else { return }
        let bytes = Array(normalized.utf8)
        require(bytes.count <= 254 && bytes.allSatisfy { $0 < 0x80 }, "'\(normalized)' is not short ASCII")
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        require(parts.count == 2, "'\(normalized)' does not have exactly one @")
        require(!parts[1].contains { (0x41...0x5A).contains($0) }, "the domain of '\(normalized)' is not lower case")
        require(AddressNormalizer.normalizeEmail(normalized) == normalized, "'\(normalized)' does not normalize to itself")
    }
}
