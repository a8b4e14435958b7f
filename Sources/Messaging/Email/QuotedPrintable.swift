import Foundation

// MARK: - Quoted-printable

/// RFC 2045 quoted-printable encoding of UTF-8 text, in one pass over the bytes into one buffer
/// (every email's two parts go through it, so it is on the send path's hot loop).
enum QuotedPrintable {
    /// The longest encoded line, including a soft break's `=`.
    static let maxLineLength = 76

    /// Encodes `text`; hard line breaks (LF, CR or CRLF) become CRLF, long lines get soft
    /// breaks (`=` CRLF) so no line exceeds 76 characters, and a `=XX` triplet is never split.
    /// `=`, non-ASCII bytes, control characters, spaces and tabs before a line break, a `.` at
    /// the start of a line and the `F` of a line starting with `From ` are encoded.
    static func encode(_ text: String) -> String {
        let bytes = Array(LineEndings.toLF(text).utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 4 + 16)
        var lineStart = 0
        while true {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            encodeLine(bytes, lineStart..<lineEnd, into: &output)
            if lineEnd == bytes.count { break }
            output.append(UInt8(ascii: "\r"))
            output.append(UInt8(ascii: "\n"))
            lineStart = lineEnd + 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Encodes one line (without its break) onto `output`, with soft breaks where it is long.
    private static func encodeLine(_ bytes: [UInt8], _ line: Range<Int>, into output: inout [UInt8]) {
        var lineLength = 0
        for index in line {
            let byte = bytes[index]
            let isLast = index == line.upperBound - 1
            var escape = needsEscape(byte, isLast: isLast)
            let limit = isLast ? maxLineLength : maxLineLength - 1
            if lineLength > 0 && lineLength + (escape ? 3 : 1) > limit {
                output.append(UInt8(ascii: "="))
                output.append(UInt8(ascii: "\r"))
                output.append(UInt8(ascii: "\n"))
                lineLength = 0
            }
            if lineLength == 0 && !escape && needsEncodingAtLineStart(bytes, at: index, lineEnd: line.upperBound) {
                escape = true
            }
            if escape {
                output.append(UInt8(ascii: "="))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
                lineLength += 3
            } else {
                output.append(byte)
                lineLength += 1
            }
        }
    }

    /// Whether `byte` is written as `=XX` wherever it stands.
    private static func needsEscape(_ byte: UInt8, isLast: Bool) -> Bool {
        switch byte {
        case 0x20, 0x09: isLast
        case 0x3D: true
        case 0x21...0x7E: false
        default: true
        }
    }

    /// A `.` (SMTP) or the `F` of `From ` (mbox) at the start of a physical line.
    private static func needsEncodingAtLineStart(_ bytes: [UInt8], at index: Int, lineEnd: Int) -> Bool {
        if bytes[index] == UInt8(ascii: ".") {
            return true
        }
        return bytes[index..<lineEnd].starts(with: fromPrefix)
    }

    private static let fromPrefix = Array("From ".utf8)
    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}
