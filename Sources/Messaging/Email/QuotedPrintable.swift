import Foundation

// MARK: - Quoted-printable

/// RFC 2045 quoted-printable encoding of UTF-8 text.
enum QuotedPrintable {
    /// The longest encoded line, including a soft break's `=`.
    static let maxLineLength = 76

    /// Encodes `text`; hard line breaks (LF, CR or CRLF) become CRLF, long lines get soft
    /// breaks (`=` CRLF) so no line exceeds 76 characters, and a `=XX` triplet is never split.
    /// `=`, non-ASCII bytes, control characters, spaces and tabs before a line break, a `.` at
    /// the start of a line and the `F` of a line starting with `From ` are encoded.
    static func encode(_ text: String) -> String {
        LineEndings.toLF(text)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { encodeLine(Array($0.utf8)) }
            .joined(separator: "\r\n")
    }

    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var lineLength = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            var token = tokenBytes(byte, isLast: isLast)
            let limit = isLast ? maxLineLength : maxLineLength - 1
            if lineLength > 0 && lineLength + token.count > limit {
                output += Array("=\r\n".utf8)
                lineLength = 0
            }
            if lineLength == 0 && token.count == 1 && needsEncodingAtLineStart(bytes, at: index) {
                token = escaped(byte)
            }
            output += token
            lineLength += token.count
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func tokenBytes(_ byte: UInt8, isLast: Bool) -> [UInt8] {
        switch byte {
        case 0x20, 0x09:
            return isLast ? escaped(byte) : [byte]
        case 0x3D:
            return escaped(byte)
        case 0x21...0x7E:
            return [byte]
        default:
            return escaped(byte)
        }
    }

    /// A `.` (SMTP) or the `F` of `From ` (mbox) at the start of a physical line.
    private static func needsEncodingAtLineStart(_ bytes: [UInt8], at index: Int) -> Bool {
        if bytes[index] == UInt8(ascii: ".") {
            return true
        }
        let from = Array("From ".utf8)
        return bytes[index...].starts(with: from)
    }

    private static func escaped(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return [UInt8(ascii: "="), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
    }
}
