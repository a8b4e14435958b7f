/// Finding `{token}` and `{token|fallback}` placeholders: one pass over the UTF-8 bytes that
/// copies the text between placeholders as whole slices. `{`, `|`, `}` and token characters are
/// ASCII, so a byte that is one of them always starts a Unicode scalar (not always a
/// `Character`: a `}` may be followed by a combining mark), and the slices are cut on the
/// scalar view, which never rounds an index to a character boundary.
extension MessageRenderer {
    /// Scans `text` for `{token}` and `{token|fallback}` placeholders and replaces each with
    /// `replacement(token, fallback)`; a `nil` replacement leaves the placeholder as it is.
    /// A fallback is literal text without `{` or `}` (DESIGN §21).
    static func substitute(_ text: String, _ replacement: (String, String?) -> String?) -> String {
        let utf8 = text.utf8
        let openBrace = UInt8(ascii: "{")
        guard utf8.contains(openBrace) else { return text }
        var output = ""
        output.reserveCapacity(utf8.count + 64)
        var copiedUpTo = utf8.startIndex
        var index = utf8.startIndex
        while let brace = utf8[index...].firstIndex(of: openBrace) {
            guard let placeholder = placeholder(in: utf8, at: brace) else {
                index = utf8.index(after: brace)
                continue
            }
            if let value = replacement(placeholder.name, placeholder.fallback) {
                output += Substring(text.unicodeScalars[copiedUpTo..<brace])
                output += value
                copiedUpTo = placeholder.end
            }
            index = placeholder.end
        }
        output += Substring(text.unicodeScalars[copiedUpTo...])
        return output
    }

    /// The placeholder that starts with the `{` at `start`, if one does: its name, its fallback
    /// (nil without a `|`) and the index after its `}`. A fallback is at most
    /// ``maxFallbackLength`` Unicode scalars.
    private static func placeholder(
        in utf8: String.UTF8View, at start: String.Index
    ) -> (name: String, fallback: String?, end: String.Index)? {
        let nameStart = utf8.index(after: start)
        var nameEnd = nameStart
        while nameEnd < utf8.endIndex, isTokenByte(utf8[nameEnd]) {
            nameEnd = utf8.index(after: nameEnd)
        }
        guard nameEnd > nameStart, nameEnd < utf8.endIndex else { return nil }
        let name = String(decoding: utf8[nameStart..<nameEnd], as: UTF8.self)
        if utf8[nameEnd] == UInt8(ascii: "}") {
            return (name, nil, utf8.index(after: nameEnd))
        }
        guard utf8[nameEnd] == UInt8(ascii: "|") else { return nil }
        let fallbackStart = utf8.index(after: nameEnd)
        var cursor = fallbackStart
        var scalars = 0
        while cursor < utf8.endIndex, scalars <= maxFallbackLength {
            let byte = utf8[cursor]
            switch byte {
            case UInt8(ascii: "}"):
                let fallback = String(decoding: utf8[fallbackStart..<cursor], as: UTF8.self)
                return (name, fallback, utf8.index(after: cursor))
            case UInt8(ascii: "{"):
                return nil
            default:
                cursor = utf8.index(after: cursor)
                // A scalar is counted at its first byte (continuation bytes are 10xxxxxx).
                if byte & 0xC0 != 0x80 { scalars += 1 }
            }
        }
        return nil
    }

    /// Every placeholder of `text`: its name and fallback, in order.
    public static func placeholders(in text: String) -> [(name: String, fallback: String?)] {
        var found: [(name: String, fallback: String?)] = []
        _ = substitute(text) { name, fallback in
            found.append((name, fallback))
            return nil
        }
        return found
    }

    /// `[A-Za-z0-9_]`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: true
        default: false
        }
    }
}
