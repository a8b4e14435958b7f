import Campaigns
import Foundation

/// One email to compose.
public struct EmailContent: Sendable, Hashable {
    /// The sender's display name; may be non-ASCII or empty.
    public var fromName: String?
    /// The sender's address, e.g. `"salon@example.com"`.
    public var fromAddress: String
    /// The normalized recipient address.
    public var to: String
    /// The rendered subject; may contain non-ASCII, and CR/LF (which is stripped).
    public var subject: String
    /// The rendered body: HTML when `MessageRenderer.looksLikeHTML(body)`, otherwise plain text.
    public var body: String
    /// The https URL of the one-click unsubscribe page, when known.
    public var unsubscribeURL: String?
    /// The `Date` header value.
    public var date: Date
    /// A unique local part such as a UUID string; the composer adds `@` and the sender's domain.
    public var messageID: String
    /// The recipient's language or locale (e.g. `"de_DE"`) for the footer; `nil` means English.
    public var language: String?

    /// Creates the content of one email.
    public init(
        fromName: String? = nil,
        fromAddress: String,
        to: String,
        subject: String,
        body: String,
        unsubscribeURL: String? = nil,
        date: Date,
        messageID: String,
        language: String? = nil
    ) {
        self.fromName = fromName
        self.fromAddress = fromAddress
        self.to = to
        self.subject = subject
        self.body = body
        self.unsubscribeURL = unsubscribeURL
        self.date = date
        self.messageID = messageID
        self.language = language
    }
}

/// Builds RFC 5322 / MIME messages ready for SMTP `DATA`.
public enum EmailComposer {
    /// The whole message: headers, an empty line, then a `multipart/alternative` body with a
    /// plain-text and an HTML part (both quoted-printable). Every line ends in CRLF; there is
    /// no bare LF or CR anywhere.
    public static func compose(_ content: EmailContent) -> String {
        let fromAddress = HeaderText.address(content.fromAddress)
        let unsubscribeURL = content.unsubscribeURL.map(HeaderText.address).flatMap { $0.isEmpty ? nil : $0 }
        let boundary = boundary(for: content.messageID)
        let strings = UnsubscribeStrings.forLanguage(content.language ?? UnsubscribeStrings.fallbackLanguage)

        var headers: [String] = [
            "Date: " + RFC5322Date.format(content.date),
            "Message-ID: " + messageID(content.messageID, fromAddress: fromAddress),
            "From: " + HeaderText.mailbox(name: content.fromName, address: fromAddress),
            "To: <" + HeaderText.address(content.to) + ">",
            "Subject: " + HeaderText.unstructured(content.subject),
            "MIME-Version: 1.0",
        ]
        if let unsubscribeURL {
            var targets = ["<" + unsubscribeURL + ">"]
            if !fromAddress.isEmpty {
                targets.append("<mailto:" + fromAddress + "?subject=unsubscribe>")
            }
            headers.append("List-Unsubscribe: " + targets.joined(separator: ", "))
            headers.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        }
        headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")

        let parts = BodyParts(body: content.body, unsubscribeURL: unsubscribeURL, strings: strings)
        var message = headers.map(HeaderText.fold).joined(separator: "\r\n") + "\r\n\r\n"
        message += "--\(boundary)\r\n"
        message += "Content-Type: text/plain; charset=utf-8\r\n"
        message += "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        message += QuotedPrintable.encode(parts.text) + "\r\n"
        message += "--\(boundary)\r\n"
        message += "Content-Type: text/html; charset=utf-8\r\n"
        message += "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        message += QuotedPrintable.encode(parts.html) + "\r\n"
        message += "--\(boundary)--\r\n"
        return message
    }

    /// A readable plain-text version of an HTML body.
    ///
    /// Drops `<head>`, `<style>` and `<script>` contents, turns line breaks, paragraphs, list
    /// items and other block elements into line breaks, writes links as `text (URL)`, strips the
    /// remaining tags, decodes character references, collapses spaces and trims every line,
    /// keeping at most one blank line in a row. Lines are separated by `"\n"`.
    public static func plainText(fromHTML html: String) -> String {
        var extractor = HTMLTextExtractor(html)
        return extractor.extract()
    }

    /// `<local@domain>` with the local part reduced to dot-atom characters.
    private static func messageID(_ localPart: String, fromAddress: String) -> String {
        var local = String(localPart.unicodeScalars.filter(HeaderText.isAtomText).map(Character.init))
        local = local.trimmingCharacters(in: CharacterSet(charactersIn: "."))
        if local.isEmpty {
            local = UUID().uuidString
        }
        var domain = ""
        if let at = fromAddress.lastIndex(of: "@") {
            domain = String(fromAddress[fromAddress.index(after: at)...].unicodeScalars.filter {
                $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "-" || $0 == "."
            }.map(Character.init))
        }
        if domain.isEmpty {
            domain = "localhost"
        }
        return "<\(local)@\(domain)>"
    }

    /// A MIME boundary derived from the message ID. It starts with `=_`, which can never occur
    /// in quoted-printable output, so it cannot collide with the encoded parts.
    private static func boundary(for messageID: String) -> String {
        "=_bkntc_" + hex(fnv1a(Array(messageID.utf8)))
    }

    /// The 64-bit FNV-1a hash of `bytes`.
    private static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

// MARK: - Body parts

/// The plain-text and HTML alternatives of a body, with the unsubscribe footer; lines end in `"\n"`.
private struct BodyParts {
    var text: String
    var html: String

    init(body: String, unsubscribeURL: String?, strings: UnsubscribeStrings) {
        let body = LineEndings.toLF(body)
        if MessageRenderer.looksLikeHTML(body) {
            text = EmailComposer.plainText(fromHTML: body)
            html = body.lowercased().contains("<html") ? body : Self.document(body)
        } else {
            text = body
            let escaped = HTMLEscaping.escape(body).replacingOccurrences(of: "\n", with: "<br>\n")
            html = Self.document(escaped)
        }
        if let unsubscribeURL {
            text = Self.appendingTextFooter(to: text, url: unsubscribeURL, strings: strings)
            html = Self.insertingHTMLFooter(into: html, url: unsubscribeURL, strings: strings)
        }
    }

    private static func document(_ content: String) -> String {
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n</head>\n<body>\n"
            + content + "\n</body>\n</html>\n"
    }

    private static func appendingTextFooter(to text: String, url: String, strings: UnsubscribeStrings) -> String {
        var trimmed = text
        while let last = trimmed.last, last.isWhitespace {
            trimmed.removeLast()
        }
        let footer = "-- \n\(strings.footerLink): \(url)\n"
        return trimmed.isEmpty ? footer : trimmed + "\n\n" + footer
    }

    private static func insertingHTMLFooter(into html: String, url: String, strings: UnsubscribeStrings) -> String {
        let footer = "<p style=\"margin:24px 0 0;font-size:12px;line-height:1.5;color:#6b7280;\">"
            + "<a href=\"\(HTMLEscaping.escape(url))\" style=\"color:#6b7280;\">"
            + HTMLEscaping.escape(strings.footerLink) + "</a></p>\n"
        for closingTag in ["</body>", "</html>"] {
            if let range = html.range(of: closingTag, options: [.caseInsensitive, .backwards]) {
                var result = html
                result.insert(contentsOf: footer, at: range.lowerBound)
                return result
            }
        }
        return html.hasSuffix("\n") ? html + footer : html + "\n" + footer
    }
}

/// Line-ending normalization.
enum LineEndings {
    /// `text` with every CRLF and lone CR replaced by LF.
    static func toLF(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                output.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            output.append(scalar)
        }
        return String(output)
    }
}

// MARK: - Headers

/// Building and folding of header values.
private enum HeaderText {
    /// The longest physical header line RFC 5322 allows, without the CRLF.
    static let hardLimit = 998
    /// The line length folding aims for.
    static let softLimit = 78

    /// An address with control characters, whitespace and angle brackets removed.
    static func address(_ value: String) -> String {
        String(value.unicodeScalars.filter { scalar in
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
            let quoted = name
                .replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
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
            return encodedWords(singleLine(value))
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

    /// RFC 2047 "B" encoded words for any value, split every 45 UTF-8 bytes (never inside a
    /// character) and joined by folding whitespace.
    static func encodedWords(_ value: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in value.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk.removeAll(keepingCapacity: true)
            }
            chunk += bytes
        }
        if !chunk.isEmpty {
            words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
        }
        return words.joined(separator: "\r\n ")
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
private enum RFC5322Date {
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

// MARK: - HTML to text

/// A small, forgiving HTML-to-text converter for email bodies.
private struct HTMLTextExtractor {
    private let input: [Unicode.Scalar]
    private var position = 0
    private var output: [Unicode.Scalar] = []
    private var openLinks: [(href: String, start: Int)] = []

    /// Elements whose contents are dropped entirely.
    private static let droppedElements: Set<String> = ["head", "style", "script", "title", "template"]
    /// Elements that start and end a paragraph (a blank line).
    private static let paragraphElements: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"]
    /// Elements that start and end a line.
    private static let lineElements: Set<String> = [
        "div", "ul", "ol", "table", "tbody", "thead", "tfoot", "tr", "section", "article",
        "header", "footer", "nav", "center", "address", "pre", "form",
    ]

    private static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
        "copy": "©", "reg": "®", "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–",
        "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "laquo": "«", "raquo": "»",
        "euro": "€", "middot": "·", "bull": "•",
    ]

    init(_ html: String) {
        input = Array(html.unicodeScalars)
    }

    mutating func extract() -> String {
        while position < input.count {
            let scalar = input[position]
            if scalar == "<", let tag = tag(at: position) {
                position = tag.end
                handle(tag)
            } else if scalar == "&" {
                let (decoded, next) = entity(at: position)
                output += decoded.unicodeScalars
                position = next
            } else {
                output.append(scalar.properties.isWhitespace ? " " : scalar)
                position += 1
            }
        }
        return Self.tidy(String(String.UnicodeScalarView(output)))
    }

    // MARK: Tags

    private struct Tag {
        var name: String
        var isClosing: Bool
        var attributes: [Unicode.Scalar]
        var end: Int
    }

    /// The tag starting at `start` (a `<`), or `nil` when the `<` is just text.
    private func tag(at start: Int) -> Tag? {
        var index = start + 1
        guard index < input.count else { return nil }
        if input[index...].starts(with: "!--".unicodeScalars) {
            let end = find("-->", from: index + 3).map { $0 + 3 } ?? input.count
            return Tag(name: "!--", isClosing: false, attributes: [], end: end)
        }
        let isClosing = input[index] == "/"
        if isClosing {
            index += 1
        }
        guard index < input.count,
            input[index].properties.isAlphabetic || (!isClosing && (input[index] == "!" || input[index] == "?"))
        else { return nil }

        var name = String.UnicodeScalarView()
        while index < input.count, !input[index].properties.isWhitespace, input[index] != ">", input[index] != "/" {
            name.append(input[index])
            index += 1
        }
        let attributesStart = index
        var quote: Unicode.Scalar?
        while index < input.count {
            let scalar = input[index]
            if let open = quote {
                if scalar == open { quote = nil }
            } else if scalar == "\"" || scalar == "'" {
                quote = scalar
            } else if scalar == ">" {
                return Tag(
                    name: String(name).lowercased(), isClosing: isClosing,
                    attributes: Array(input[attributesStart..<index]), end: index + 1)
            }
            index += 1
        }
        return nil
    }

    private mutating func handle(_ tag: Tag) {
        let name = tag.name
        if Self.droppedElements.contains(name) {
            if !tag.isClosing && tag.attributes.last != "/" {
                skipContents(of: name)
            }
            return
        }
        switch name {
        case "br":
            output.append("\n")
        case "hr":
            endLine(blankLines: 1)
        case "li":
            endLine()
            if !tag.isClosing { output += "- ".unicodeScalars }
        case "td", "th":
            if tag.isClosing { output.append(" ") }
        case "img":
            if let alt = attribute("alt", in: tag.attributes), !alt.isEmpty {
                output += alt.unicodeScalars
            }
        case "a":
            if tag.isClosing {
                closeLink()
            } else {
                openLinks.append((attribute("href", in: tag.attributes) ?? "", output.count))
            }
        case _ where Self.paragraphElements.contains(name):
            endLine(blankLines: 1)
        case _ where Self.lineElements.contains(name):
            endLine()
        default:
            break
        }
    }

    /// Ends the current line (unless it already ended), followed by up to `blankLines` blank
    /// lines; spaces and tabs after the last line break do not count as text.
    private mutating func endLine(blankLines: Int = 0) {
        var existing = 0
        for scalar in output.reversed() {
            if scalar == "\n" {
                existing += 1
            } else if scalar != " " && scalar != "\t" {
                break
            }
        }
        let needed = blankLines + 1
        if existing < needed {
            output += Array(repeating: "\n", count: needed - existing)
        }
    }

    private mutating func closeLink() {
        guard let link = openLinks.popLast() else { return }
        let href = link.href.trimmingCharacters(in: .whitespacesAndNewlines)
        let start = min(link.start, output.count)
        let text = String(String.UnicodeScalarView(output[start...])).trimmingCharacters(in: .whitespacesAndNewlines)
        let lowercasedHref = href.lowercased()
        if href.isEmpty || href.hasPrefix("#") || lowercasedHref.hasPrefix("javascript:")
            || href == text || lowercasedHref == "mailto:" + text.lowercased()
        {
            return
        }
        output += (text.isEmpty ? href : " (\(href))").unicodeScalars
    }

    /// Moves past the closing tag of `name` (or to the end when there is none).
    private mutating func skipContents(of name: String) {
        var index = position
        while let found = find("</", from: index) {
            let nameStart = found + 2
            let candidate = String(String.UnicodeScalarView(input[nameStart..<min(nameStart + name.count, input.count)]))
            if candidate.lowercased() == name {
                if let close = find(">", from: nameStart) {
                    position = close + 1
                    return
                }
                break
            }
            index = found + 2
        }
        position = input.count
    }

    /// The decoded value of attribute `name` in a tag's attribute text.
    private func attribute(_ name: String, in attributes: [Unicode.Scalar]) -> String? {
        var index = 0
        func skipWhitespace() {
            while index < attributes.count, attributes[index].properties.isWhitespace { index += 1 }
        }
        while index < attributes.count {
            skipWhitespace()
            var key = String.UnicodeScalarView()
            while index < attributes.count, !attributes[index].properties.isWhitespace,
                attributes[index] != "=", attributes[index] != "/"
            {
                key.append(attributes[index])
                index += 1
            }
            skipWhitespace()
            var value = String.UnicodeScalarView()
            if index < attributes.count, attributes[index] == "=" {
                index += 1
                skipWhitespace()
                if index < attributes.count, attributes[index] == "\"" || attributes[index] == "'" {
                    let quote = attributes[index]
                    index += 1
                    while index < attributes.count, attributes[index] != quote {
                        value.append(attributes[index])
                        index += 1
                    }
                    index += 1
                } else {
                    while index < attributes.count, !attributes[index].properties.isWhitespace {
                        value.append(attributes[index])
                        index += 1
                    }
                }
            } else if key.isEmpty {
                index += 1
            }
            if String(key).lowercased() == name {
                return Self.decodeEntities(String(value))
            }
        }
        return nil
    }

    private func find(_ needle: String, from start: Int) -> Int? {
        let pattern = Array(needle.unicodeScalars)
        guard !pattern.isEmpty, start >= 0 else { return nil }
        var index = start
        while index + pattern.count <= input.count {
            if input[index] == pattern[0] && input[index..<(index + pattern.count)].elementsEqual(pattern) {
                return index
            }
            index += 1
        }
        return nil
    }

    // MARK: Entities

    /// The text of the character reference at `start` (an `&`) and the index after it; an
    /// unknown or malformed reference is kept as a literal `&`.
    private func entity(at start: Int) -> (String, Int) {
        var index = start + 1
        var name = String.UnicodeScalarView()
        while index < input.count, index - start <= 12, input[index] != ";" {
            let scalar = input[index]
            guard scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "#"
            else { return ("&", start + 1) }
            name.append(scalar)
            index += 1
        }
        guard index < input.count, input[index] == ";", let decoded = Self.decode(reference: String(name)) else {
            return ("&", start + 1)
        }
        return (decoded, index + 1)
    }

    /// `&name;` contents (without `&` and `;`) decoded, or `nil` when unknown.
    private static func decode(reference: String) -> String? {
        if reference.hasPrefix("#") {
            let digits = reference.dropFirst()
            let value: UInt32?
            if digits.first == "x" || digits.first == "X" {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return scalar == "\u{00A0}" ? " " : String(scalar)
        }
        return namedEntities[reference] ?? namedEntities[reference.lowercased()]
    }

    /// Decodes every character reference in `text` (used for attribute values).
    private static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let extractor = HTMLTextExtractor(text)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < extractor.input.count {
            if extractor.input[index] == "&" {
                let (decoded, next) = extractor.entity(at: index)
                output += decoded.unicodeScalars
                index = next
            } else {
                output.append(extractor.input[index])
                index += 1
            }
        }
        return String(output)
    }

    // MARK: Tidying

    /// Collapses spaces and tabs, trims lines, keeps at most one blank line in a row and trims.
    private static func tidy(_ text: String) -> String {
        var lines: [String] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = rawLine
                .replacingOccurrences(of: "\u{00A0}", with: " ")
                .split(whereSeparator: { $0 == " " || $0 == "\t" })
            let line = words.joined(separator: " ")
            if line.isEmpty && (lines.last?.isEmpty ?? true) {
                continue
            }
            lines.append(line)
        }
        while lines.last?.isEmpty == true {
            lines.removeLast()
        }
        return lines.joined(separator: "\n")
    }
}
