/// A table or column name that may be spliced into SQL text: letters, digits, `_` and `.`,
/// optionally in backquotes, so it can never carry a value or a quote.
public struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let text: String

    /// Fails for anything but `[A-Za-z0-9_.]`, 1–128 characters, optionally in backquotes.
    public init?(_ text: String) {
        var name = Substring(text)
        if name.hasPrefix("`"), name.hasSuffix("`"), name.count >= 2 { name = name.dropFirst().dropLast() }
        guard (1...128).contains(name.utf8.count), name.utf8.allSatisfy(Self.allowed) else { return nil }
        self.text = text
    }

    /// A name written in code. A literal that is not a valid identifier is a programming error
    /// caught by the first test that uses it; it becomes a harmless name that no table has.
    public init(stringLiteral value: String) {
        self.text = SQLIdentifier(value)?.text ?? "invalid_identifier"
    }

    public var description: String { text }

    private static func allowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default: false
        }
    }
}
