/// Searches for ASCII needles in text with letters compared case-insensitively, one pass over the
/// UTF-8 bytes: what `text.lowercased().contains(needle)` answers for tag names, without a
/// lowered copy of the text or Foundation's locale-aware search (which the send path paid for
/// every message).
///
/// Needles are ASCII and lower-case. A non-ASCII byte never equals an ASCII one, so a match
/// always starts and ends on a character boundary.
public enum ASCIICaseless {
    /// Whether `text` contains `needle`.
    public static func contains(_ text: String, _ needle: String) -> Bool {
        firstOffset(in: text, ofAny: Needles([needle]).patterns) != nil
    }

    /// Whether `text` contains at least one of `needles`.
    public static func containsAny(_ text: String, _ needles: Needles) -> Bool {
        firstOffset(in: text, ofAny: needles.patterns) != nil
    }

    /// Needles as bytes, converted once (a hot path keeps them in a `static let`).
    public struct Needles: Sendable {
        let patterns: [[UInt8]]

        public init(_ needles: [String]) {
            patterns = needles.map { Array($0.utf8) }.filter { !$0.isEmpty }
        }
    }

    /// The index of the last occurrence of `needle` in `text`, if any.
    public static func lastIndex(of needle: String, in text: String) -> String.Index? {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty else { return nil }
        let offset = withBytes(of: text) { bytes -> Int? in
            guard bytes.count >= pattern.count else { return nil }
            var start = bytes.count - pattern.count
            while start >= 0 {
                if matches(pattern, in: bytes, at: start) { return start }
                start -= 1
            }
            return nil
        }
        return offset.map { text.utf8.index(text.utf8.startIndex, offsetBy: $0) }
    }

    /// The byte offset of the first place where any of `needles` starts.
    private static func firstOffset(in text: String, ofAny patterns: [[UInt8]]) -> Int? {
        guard !patterns.isEmpty else { return nil }
        return withBytes(of: text) { bytes -> Int? in
            var start = 0
            while start < bytes.count {
                let first = lowered(bytes[start])
                for pattern in patterns where pattern[0] == first && matches(pattern, in: bytes, at: start) {
                    return start
                }
                start += 1
            }
            return nil
        }
    }

    private static func matches(_ pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start + pattern.count <= bytes.count else { return false }
        for (offset, expected) in pattern.enumerated() where lowered(bytes[start + offset]) != expected {
            return false
        }
        return true
    }

    @inline(__always)
    private static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    private static func withBytes<Result>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) {
            return result
        }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }
}
