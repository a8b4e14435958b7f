import Campaigns
import Foundation

/// One email to compose.
public struct EmailContent: Sendable {
    /// The sender's display name; may be non-ASCII or empty.
    public var fromName: String?
    /// The sender's address, e.g. `"salon@example.com"`.
    public var fromAddress: String
    /// The normalized recipient address.
    public var to: String
    /// The rendered subject; may contain non-ASCII, and CR/LF (which is stripped).
    public var subject: String
    /// The rendered body: HTML or plain text as `isHTML` says.
    public var body: String
    /// Whether the body is HTML, decided from the template before any value went in (a customer
    /// named `<img …>` must not turn a plain email into markup); nil = look at the body.
    public var isHTML: Bool?
    /// The https URL of the one-click unsubscribe page, when known.
    public var unsubscribeURL: String?
    /// The `Date` header value.
    public var date: Date
    /// A unique local part such as a UUID string; the composer adds `@` and the sender's domain.
    public var messageID: String
    /// The recipient's language or locale (e.g. `"de_DE"`) for the footer; `nil` means English.
    public var language: String?
    /// The call to action (DESIGN §15): a button after the body in the HTML part, `label: URL`
    /// in the text part.
    public var action: CallToAction?
    /// Tracked links of an HTML body (DESIGN §18): original URL and the short URL its `href`
    /// became; the text part shows the short URL wherever it would show the original.
    public var trackedLinks: [(original: String, short: String)] = []
    /// The open-tracking image's URL (DESIGN §18), added to the HTML part as a 1×1 image.
    public var openImageURL: String?

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
        language: String? = nil,
        isHTML: Bool? = nil,
        action: CallToAction? = nil
    ) {
        self.action = action
        self.isHTML = isHTML
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

        let parts = BodyParts(content, unsubscribeURL: unsubscribeURL, strings: strings)
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

    /// The plain-text and HTML parts of the message as ``compose(_:)`` writes them, before
    /// their transfer encoding (lines end in LF): what the recipient reads, with the unsubscribe
    /// footer. Previews show exactly this.
    public static func parts(of content: EmailContent) -> (text: String, html: String) {
        let unsubscribeURL = content.unsubscribeURL.map(HeaderText.address).flatMap { $0.isEmpty ? nil : $0 }
        let strings = UnsubscribeStrings.forLanguage(content.language ?? UnsubscribeStrings.fallbackLanguage)
        let parts = BodyParts(content, unsubscribeURL: unsubscribeURL, strings: strings)
        return (parts.text, parts.html)
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
            domain = String(
                fromAddress[fromAddress.index(after: at)...].unicodeScalars.filter {
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

    init(_ content: EmailContent, unsubscribeURL: String?, strings: UnsubscribeStrings) {
        let isHTML = content.isHTML ?? MessageRenderer.looksLikeHTML(content.body)
        let body = LineEndings.toLF(content.body)
        if isHTML {
            text = EmailComposer.plainText(fromHTML: body)
            html = ASCIICaseless.contains(body, "<html") ? body : Self.document(body)
        } else {
            text = body
            let escaped = MessageRenderer.escapeHTML(body).replacingOccurrences(of: "\n", with: "<br>\n")
            html = Self.document(escaped)
        }
        if let action = content.action {
            text = EmailButton.appendingText(to: text, action)
            html = EmailButton.inserting(action, into: html)
        }
        if !content.trackedLinks.isEmpty {
            text = Self.shortening(text, content.trackedLinks)
        }
        if let image = content.openImageURL {
            html = Self.inserting(Self.openImage(image), into: html)
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
        let footer =
            "<p style=\"margin:24px 0 0;font-size:12px;line-height:1.5;color:#6b7280;\">"
            + "<a href=\"\(MessageRenderer.escapeHTML(url))\" style=\"color:#6b7280;\">"
            + MessageRenderer.escapeHTML(strings.footerLink) + "</a></p>\n"
        return inserting(footer, into: html)
    }

    /// The 1×1 open-tracking image (DESIGN §18).
    private static func openImage(_ url: String) -> String {
        "<img src=\"\(MessageRenderer.escapeHTML(url))\" width=\"1\" height=\"1\" alt=\"\" "
            + "style=\"display:block;width:1px;height:1px;border:0;\">\n"
    }

    /// The text part with each tracked URL shown as its short link: a link whose text was its
    /// own URL ("URL (short)") becomes the short link alone. Longest URLs first, so a URL that
    /// begins another is never replaced inside it.
    private static func shortening(_ text: String, _ links: [(original: String, short: String)]) -> String {
        var text = text
        for link in links.sorted(by: { $0.original.count > $1.original.count }) {
            text = text.replacingOccurrences(of: link.original + " (" + link.short + ")", with: link.short)
            text = text.replacingOccurrences(of: link.original, with: link.short)
        }
        return text
    }

    private static func inserting(_ footer: String, into html: String) -> String {
        for closingTag in ["</body>", "</html>"] {
            if let start = ASCIICaseless.lastIndex(of: closingTag, in: html) {
                var result = html
                result.insert(contentsOf: footer, at: start)
                return result
            }
        }
        return html.hasSuffix("\n") ? html + footer : html + "\n" + footer
    }
}

/// Line-ending normalization.
enum LineEndings {
    /// `text` with every CRLF and lone CR replaced by LF. A CR byte never occurs inside a UTF-8
    /// sequence, so the bytes are rewritten as they are; text without a CR comes back as it is.
    static func toLF(_ text: String) -> String {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        guard text.utf8.contains(cr) else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == cr {
                output.append(lf)
                previousWasCR = true
                continue
            }
            if byte == lf && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            output.append(byte)
        }
        return String(decoding: output, as: UTF8.self)
    }
}
