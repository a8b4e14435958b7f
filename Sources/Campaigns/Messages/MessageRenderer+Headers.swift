import Foundation

/// Email header values: one line, RFC 2047 encoded words where they are not printable ASCII.
extension MessageRenderer {
    /// Prepares a header value (such as a subject) for an email header.
    ///
    /// Runs of CR/LF become a single space and the value is trimmed. Printable ASCII is returned
    /// unchanged; anything else is RFC 2047 "B"-encoded as UTF-8, split into encoded words of at
    /// most 75 characters separated by `"\r\n "` (folding whitespace), never splitting a
    /// character's UTF-8 sequence across words.
    public static func encodeHeader(_ value: String) -> String {
        let line = singleLine(value)
        if line.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) {
            return line
        }

        return encodedWords(line)
    }

    /// `value` as RFC 2047 "B" encoded words (even when it is ASCII): UTF-8 split every 45 bytes,
    /// never inside a character, each word ≤ 75 characters, joined by `"\r\n "`.
    public static func encodedWords(_ value: String) -> String {
        // "=?UTF-8?B?" + base64 + "?=" ≤ 75 → base64 ≤ 63 chars → at most 60 → 45 bytes.
        let maxBytesPerWord = 45
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in value.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > maxBytesPerWord {
                words.append(encodedWord(chunk))
                chunk.removeAll(keepingCapacity: true)
            }
            chunk += bytes
        }
        if !chunk.isEmpty {
            words.append(encodedWord(chunk))
        }
        return words.joined(separator: "\r\n ")
    }

    static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}
