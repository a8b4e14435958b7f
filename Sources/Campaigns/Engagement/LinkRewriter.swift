import Foundation

/// Replaces the links of a rendered message by tracked short links (DESIGN §18): every
/// `http(s)://` URL of a text (SMS, WhatsApp), every http(s) `href` of an `<a>` or `<area>` of an
/// HTML body. `replacement` maps an original URL to what replaces it, or nil to leave it alone
/// (the caller keeps the codes, one per distinct URL of a message). Nothing else changes: other
/// schemes (`mailto:`, `tel:`, `javascript:`), relative links, comments, `<link>` and the text
/// between the tags stay as they are.
public enum LinkRewriter {
    /// An SMS or WhatsApp text as long as it goes out with tracked links under `base`: each
    /// URL replaced by a short link of the real length (DESIGN §18, §21: segments are counted at
    /// the short length).
    public static func withShortLinkLengths(_ text: String, base: String) -> String {
        let placeholder = base + "/r/" + String(repeating: "0", count: ShortCode.length)
        return rewriteText(text) { url in url.hasPrefix(base + "/") || !TrackedLink.isRedirectable(url) ? nil : placeholder }
    }

    /// The text with each URL replaced.
    public static func rewriteText(_ text: String, _ replacement: (String) -> String?) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var copied = 0
        while index < bytes.count {
            guard let schemeLength = scheme(in: bytes, at: index), index == 0 || !isWordByte(bytes[index - 1]) else {
                index += 1
                continue
            }
            var end = index + schemeLength
            while end < bytes.count, !endsTextURL(bytes[end]) { end += 1 }
            end = trimmingTrailingPunctuation(bytes, from: index, to: end)
            guard end > index + schemeLength else {
                index = end + 1
                continue
            }
            let url = String(decoding: bytes[index..<end], as: UTF8.self)
            if let short = replacement(url) {
                output += bytes[copied..<index]
                output += Array(short.utf8)
                copied = end
            }
            index = end
        }
        if copied == 0 { return text }
        output += bytes[copied...]
        return String(decoding: output, as: UTF8.self)
    }

    /// The HTML with the http(s) `href` of each `<a>` and `<area>` replaced (the replacement is
    /// written HTML-escaped, in the attribute's own quotes).
    public static func rewriteHTML(_ html: String, _ replacement: (String) -> String?) -> String {
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var copied = 0
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            if starts(bytes, at: index, with: "<!--") {
                index = find(bytes, "-->", from: index + 4).map { $0 + 3 } ?? bytes.count
                continue
            }
            let nameStart = index + 1
            var nameEnd = nameStart
            while nameEnd < bytes.count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            if nameEnd == nameStart, nameStart < bytes.count, bytes[nameStart] != UInt8(ascii: "/") {
                index += 1  // a "<" of the text, not a tag
                continue
            }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self).lowercased()
            if name == "script" || name == "style" {
                index = find(bytes, "</" + name, from: nameEnd) ?? bytes.count
                continue
            }
            var attributes = HTMLAttributes(bytes, from: nameEnd)
            while let attribute = attributes.next() {
                guard name == "a" || name == "area", attribute.name == "href", let value = attribute.value else { continue }
                let url = decodeEntities(String(decoding: bytes[value], as: UTF8.self)).trimmingCharacters(in: .whitespacesAndNewlines)
                guard scheme(in: Array(url.utf8), at: 0) != nil, let short = replacement(url) else { continue }
                output += bytes[copied..<value.lowerBound]
                output += Array(MessageRenderer.escapeHTML(short).utf8)
                copied = value.upperBound
            }
            index = max(attributes.position, index + 1)
        }
        if copied == 0 { return html }
        output += bytes[copied...]
        return String(decoding: output, as: UTF8.self)
    }

    /// The length of `http://` or `https://` at `index` (any case), else nil.
    static func scheme(in bytes: [UInt8], at index: Int) -> Int? {
        if starts(bytes, at: index, with: "https://", caseless: true) { return 8 }
        if starts(bytes, at: index, with: "http://", caseless: true) { return 7 }
        return nil
    }

    static func starts(_ bytes: [UInt8], at index: Int, with prefix: String, caseless: Bool = false) -> Bool {
        let needle = Array(prefix.utf8)
        guard index + needle.count <= bytes.count else { return false }
        for offset in needle.indices {
            var byte = bytes[index + offset]
            if caseless, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) { byte += 32 }
            if byte != needle[offset] { return false }
        }
        return true
    }

    static func find(_ bytes: [UInt8], _ needle: String, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if starts(bytes, at: index, with: needle, caseless: true) { return index }
            index += 1
        }
        return nil
    }

    private static func isWordByte(_ byte: UInt8) -> Bool { ShortCode.isBase62(byte) || byte == UInt8(ascii: "_") }

    private static func isNameByte(_ byte: UInt8) -> Bool { ShortCode.isBase62(byte) || byte == UInt8(ascii: "-") }

    /// A URL in text ends at white space, a control character or a character URLs never hold
    /// unescaped and texts put around them.
    private static func endsTextURL(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == 0x7F || "<>\"`{}|\\^".utf8.contains(byte)
    }

    /// Sentence punctuation after a URL is not part of it; a closing bracket is, when the URL
    /// opened one (Wikipedia's `…_(film)`).
    private static func trimmingTrailingPunctuation(_ bytes: [UInt8], from start: Int, to end: Int) -> Int {
        var end = end
        while end > start {
            let last = bytes[end - 1]
            if ".,;:!?'*".utf8.contains(last) {
                end -= 1
            } else if last == UInt8(ascii: ")"), !bytes[start..<end].contains(UInt8(ascii: "(")) {
                end -= 1
            } else if last == UInt8(ascii: "]"), !bytes[start..<end].contains(UInt8(ascii: "[")) {
                end -= 1
            } else {
                break
            }
        }
        return end
    }

    /// `&amp;`, `&quot;`, `&apos;`, `&lt;`, `&gt;` and numeric references decoded (what an
    /// attribute value most often holds); anything else stays.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            guard let semicolon = after.prefix(12).firstIndex(of: ";") else {
                result += "&"
                rest = after
                continue
            }
            let name = after[..<semicolon]
            var decoded: String?
            switch name.lowercased() {
            case "amp": decoded = "&"
            case "quot": decoded = "\""
            case "apos": decoded = "'"
            case "lt": decoded = "<"
            case "gt": decoded = ">"
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                } else if name.hasPrefix("#") {
                    decoded = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                }
            }
            if let decoded {
                result += decoded
                rest = after[after.index(after: semicolon)...]
            } else {
                result += "&"
                rest = after
            }
        }
        return result + rest
    }
}

/// The attributes of one tag, read from just after its name up to its `>`: each name (lower
/// case) with the byte range of its value (nil for a bare attribute).
struct HTMLAttributes {
    let bytes: [UInt8]
    /// Where reading stopped: just after the tag's `>`.
    private(set) var position: Int

    init(_ bytes: [UInt8], from start: Int) {
        self.bytes = bytes
        self.position = start
    }

    mutating func next() -> (name: String, value: Range<Int>?)? {
        skipSpace()
        guard position < bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: ">") {
            position += 1
            return nil
        }
        if bytes[position] == UInt8(ascii: "/") {
            position += 1
            return next()
        }
        let nameStart = position
        while position < bytes.count, !isSpace(bytes[position]), !"=>/".utf8.contains(bytes[position]) { position += 1 }
        let name = String(decoding: bytes[nameStart..<position], as: UTF8.self).lowercased()
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else { return (name, nil) }
        position += 1
        skipSpace()
        guard position < bytes.count else { return (name, nil) }
        let quote = bytes[position]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            let start = position + 1
            var end = start
            while end < bytes.count, bytes[end] != quote { end += 1 }
            position = min(end + 1, bytes.count)
            return (name, start..<end)
        }
        let start = position
        while position < bytes.count, !isSpace(bytes[position]), bytes[position] != UInt8(ascii: ">") { position += 1 }
        return (name, start..<position)
    }

    private mutating func skipSpace() {
        while position < bytes.count, isSpace(bytes[position]) { position += 1 }
    }

    private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D }
}
