/// The bytes libFuzzer hands over, with the views the targets read them through.
struct FuzzInput: Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The bytes as text, invalid UTF-8 replaced (what a lenient reader sees).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes as text when they are valid UTF-8 (what a strict reader accepts), else nil.
    var validText: String? { String(validating: bytes, as: UTF8.self) }

    /// The text cut at its first `count - 1` newlines into exactly `count` fields; missing
    /// fields are empty and the last one keeps any further newlines.
    func fields(_ count: Int) -> [String] {
        var parts = text.split(separator: "\n", maxSplits: count - 1, omittingEmptySubsequences: false).map(String.init)
        while parts.count < count { parts.append("") }
        return parts
    }
}
