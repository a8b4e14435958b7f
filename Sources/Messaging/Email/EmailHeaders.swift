import Campaigns
import Foundation

// MARK: - Headers

/// Building and folding of header values.
enum HeaderText {
    /// The longest physical header line RFC 5322 allows, without the CRLF.
    static let hardLimit = 998
    /// The line length folding aims for.
    static let softLimit = 78

    /// An address with control characters, whitespace and angle brackets removed.
    static func address(_ value: String) -> String {
        String(
            value.unicodeScalars.filter { scalar in
                !(scalar.value < 0x21 || scalar.value == 0x7F || scalar == "<" || scalar == ">"
                    || scalar.properties.isWhitespace)
            }.map(Character.init))
    }

    /// `"Name" <address>`, `=?UTF-8?B?…?= <address>` or just `address` when there is no name.
    static func mailbox(name: String?, address: String) -> String {
        let name = singleLine(name ?? "")
        if name.isEmpty {
            return address
        }
        if name.unicodeScalars.allSatisfy(isPrintableASCII) {
            var quoted = ""
            quoted.reserveCapacity(name.utf8.count + 2)
            for scalar in name.unicodeScalars {
                if scalar == "\\" || scalar == "\"" { quoted.unicodeScalars.append("\\") }
                quoted.unicodeScalars.append(scalar)
            }
            return "\"\(quoted)\" <\(address)>"
        }
        return MessageRenderer.encodeHeader(name) + " <\(address)>"
    }

    /// An unstructured value (such as a subject): CR/LF stripped, RFC 2047-encoded when needed.
    /// A printable-ASCII value with a word too long to fold is encoded too, so it can be split.
    static func unstructured(_ value: String) -> String {
        let encoded = MessageRenderer.encodeHeader(value)
        let longestWord = encoded.split(whereSeparator: { $0 == " " || $0 == "\r\n" }).map(\.count).max() ?? 0
        if longestWord > hardLimit - "Subject: ".count {
            return MessageRenderer.encodedWords(singleLine(value))
        }
        return encoded
    }

    /// Folds a header line longer than 78 characters at spaces. Lines that already contain a
    /// fold (from RFC 2047 encoding) are returned unchanged.
    static func fold(_ line: String) -> String {
        if line.count <= softLimit || line.contains("\r\n") {
            return line
        }
        let words = line.split(separator: " ", omittingEmptySubsequences: false)
        var lines: [String] = []
        var current = ""
        for word in words {
            if current.isEmpty && lines.isEmpty {
                current = String(word)
            } else if !word.isEmpty && current.count + 1 + word.count > softLimit
                && !current.allSatisfy({ $0 == " " })
            {
                lines.append(current)
                current = " " + word
            } else {
                current += " " + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }

    /// Runs of CR/LF become one space; control characters become spaces; the result is trimmed.
    static func singleLine(_ value: String) -> String {
        var output = String.UnicodeScalarView()
        var previousWasBreak = false
        for scalar in value.unicodeScalars {
            let isBreak = scalar == "\r" || scalar == "\n"
            if isBreak && previousWasBreak {
                continue
            }
            previousWasBreak = isBreak
            let isControl = scalar.value < 0x20 || scalar.value == 0x7F
            output.append(isControl ? " " : scalar)
        }
        return String(output).trimmingCharacters(in: .whitespaces)
    }

    static func isPrintableASCII(_ scalar: Unicode.Scalar) -> Bool {
        (0x20...0x7E).contains(scalar.value)
    }

    /// Whether `scalar` may appear in a dot-atom (RFC 5322 `atext` or `.`).
    static func isAtomText(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
            return true
        }
        return "!#$%&'*+-/=?^_`{|}~.".unicodeScalars.contains(scalar)
    }
}

/// The RFC 5322 date format in UTC, independent of the process locale.
enum RFC5322Date {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// E.g. `Tue, 01 Dec 2026 11:00:00 +0000`.
    static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.locale = Locale(identifier: "en_US_POSIX")
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let weekday = weekdays[((parts.weekday ?? 1) - 1) % 7]
        let month = months[((parts.month ?? 1) - 1) % 12]
        return "\(weekday), \(pad(parts.day, 2)) \(month) \(pad(parts.year, 4)) "
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)) +0000"
    }

    private static func pad(_ value: Int?, _ width: Int) -> String {
        let digits = String(value ?? 0)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
