import Campaigns
import Foundation
import Testing

@testable import Messaging

// MARK: - Test helpers

/// A parsed composed message.
struct Message {
    struct Part: Equatable {
        var headers: [String]
        var encoded: String
        var decoded: String
    }

    enum ParseError: Error {
        case noHeaderEnd, noBoundary, badPart
    }

    var headerLines: [String]
    var body: String
    var parts: [Part] = []

    init(_ text: String) throws {
        guard let end = text.range(of: "\r\n\r\n") else { throw ParseError.noHeaderEnd }
        headerLines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        body = String(text[end.upperBound...])
        guard let boundary else { throw ParseError.noBoundary }
        let sections = body.components(separatedBy: "--\(boundary)")
        // "", part1, part2, "--\r\n"
        guard sections.count == 4, sections[0].isEmpty, sections[3] == "--\r\n" else { throw ParseError.badPart }
        for section in sections[1...2] {
            // Each section is CRLF, part headers, CRLF CRLF, content, CRLF (which belongs to the next delimiter).
            guard let first = section.range(of: "\r\n"), first.lowerBound == section.startIndex,
                let last = section.range(of: "\r\n", options: .backwards), last.upperBound == section.endIndex,
                let split = section.range(of: "\r\n\r\n"), split.upperBound <= last.lowerBound
            else { throw ParseError.badPart }
            let headers = section[first.upperBound..<split.lowerBound].components(separatedBy: "\r\n")
            let encoded = String(section[split.upperBound..<last.lowerBound])
            parts.append(Part(headers: headers, encoded: encoded, decoded: QuotedPrintableCheck.decode(encoded)))
        }
    }

    var textPart: String { parts.first?.decoded ?? "" }
    var htmlPart: String { parts.last?.decoded ?? "" }

    var boundary: String? {
        guard let contentType = header("Content-Type"),
            let start = contentType.range(of: "boundary=\"")
        else { return nil }
        return String(contentType[start.upperBound...].prefix(while: { $0 != "\"" }))
    }

    /// The value with folding CRLFs kept.
    func rawHeader(_ name: String) -> String? {
        var value: String?
        for line in headerLines {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                if let folded = value { value = folded + "\r\n" + line }
            } else if value != nil {
                break
            } else if line.lowercased().hasPrefix(name.lowercased() + ":") {
                value = String(line.dropFirst(name.count + 1))
            }
        }
        return value.map { $0.hasPrefix(" ") ? String($0.dropFirst()) : $0 }
    }

    /// The unfolded value (CRLF before whitespace removed).
    func header(_ name: String) -> String? {
        rawHeader(name)?.replacingOccurrences(of: "\r\n", with: "")
    }

    /// Whether every CR is followed by LF and every LF preceded by CR.
    static func hasOnlyCRLF(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A) { return false }
            if byte == 0x0A && (index == 0 || bytes[index - 1] != 0x0D) { return false }
        }
        return true
    }
}

/// An independent quoted-printable decoder and line checker.
enum QuotedPrintableCheck {
    static func decode(_ encoded: String) -> String {
        let unfolded = encoded.replacingOccurrences(of: "=\r\n", with: "")
        var bytes: [UInt8] = []
        let input = Array(unfolded.utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "="), index + 2 < input.count,
                let value = UInt8(String(decoding: input[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Only printable ASCII, `=` only as `=XX` (uppercase hex) or a final soft break.
    static func isWellFormed(_ line: String) -> Bool {
        let bytes = Array(line.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                if index == bytes.count - 1 { return true }
                guard index + 2 < bytes.count else { return false }
                let hex = Array("0123456789ABCDEF".utf8)
                guard hex.contains(bytes[index + 1]), hex.contains(bytes[index + 2]) else { return false }
                index += 3
            } else {
                guard (0x20...0x7E).contains(byte) || byte == 0x09 else { return false }
                index += 1
            }
        }
        return true
    }
}

/// Decodes RFC 2047 `=?UTF-8?B?…?=` words separated by whitespace.
enum EncodedWords {
    enum DecodeError: Error {
        case notAnEncodedWord(String), badBase64(String)
    }

    static func decode(_ value: String) throws -> String {
        var bytes: [UInt8] = []
        for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r\n" }) {
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="), word.count <= 75 else {
                throw DecodeError.notAnEncodedWord(String(word))
            }
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            guard let data = Data(base64Encoded: String(base64)) else { throw DecodeError.badBase64(String(word)) }
            bytes += data
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
