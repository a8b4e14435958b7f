/// Hexadecimal as DESIGN §7 writes MACs: lower-case digits only, two per byte, so one value has
/// exactly one spelling (`UInt8(_:radix:)` would also read `+a`, `A` and ` a`).
enum LowercaseHex {
    /// The `count` bytes `text` spells, or nil unless it is exactly `2 × count` characters of `[0-9a-f]`.
    static func bytes(of text: some StringProtocol, count: Int) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 2 * count else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for index in stride(from: 0, to: utf8.count, by: 2) {
            guard let high = value(of: utf8[index]), let low = value(of: utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
