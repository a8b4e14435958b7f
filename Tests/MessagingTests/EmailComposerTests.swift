import Campaigns
import Foundation
import Testing

@testable import Messaging

@Suite("EmailComposer")
struct EmailComposerTests {
    /// 2026-12-01 11:00:00 UTC.
    static let fixedDate = Date(timeIntervalSince1970: 1_796_122_800)
    static let unsubscribeURL = "https://campaigns.example.com/unsubscribe/tok_123?a=1&b=2"

    static func content(
        fromName: String? = "Salon Ada",
        fromAddress: String = "salon@example.com",
        subject: String = "Hello",
        body: String = "Hi Ada,\nsee you soon.",
        unsubscribeURL: String? = EmailComposerTests.unsubscribeURL,
        language: String? = nil
    ) -> EmailContent {
        EmailContent(
            fromName: fromName, fromAddress: fromAddress, to: "ada@example.com", subject: subject,
            body: body, unsubscribeURL: unsubscribeURL, date: fixedDate, messageID: "abc-123",
            language: language)
    }

    // MARK: - Line endings

    @Test func everyLineEndsInCRLF() throws {
        let message = EmailComposer.compose(
            Self.content(subject: "Tschüss\r\nfor now", body: "one\ntwo\r\nthree\rfour\n\n<p>five</p>\r"))
        #expect(message.hasSuffix("\r\n"))
        #expect(Message.hasOnlyCRLF(message))
        let plain = EmailComposer.compose(Self.content(body: "a\rb\nc\r\n"))
        #expect(Message.hasOnlyCRLF(plain))
        #expect(try Message(plain).textPart == "a\r\nb\r\nc\r\n\r\n-- \r\nUnsubscribe: \(Self.unsubscribeURL)\r\n")
    }

    @Test func aPlainTemplateStaysPlainWhateverItsValuesContain() throws {
        // A customer named like markup, rendered into a plain-text template: the message says
        // it is not HTML, so the HTML part shows the name escaped instead of running it.
        var content = Self.content(body: "Hello \"><img src=x onerror=alert(1)>, see you")
        content.isHTML = false
        let message = try Message(EmailComposer.compose(content))
        #expect(message.textPart.hasPrefix("Hello \"><img src=x onerror=alert(1)>, see you"))
        #expect(message.htmlPart.contains("Hello &quot;&gt;&lt;img src=x onerror=alert(1)&gt;, see you"))
        #expect(!message.htmlPart.contains("<img"))
        // Told it is HTML (an HTML template, values escaped by the renderer), the body is the HTML part.
        content.isHTML = true
        content.body = "<p>Hello &lt;img&gt;</p>"
        #expect(try Message(EmailComposer.compose(content)).htmlPart.contains("<p>Hello &lt;img&gt;</p>"))
    }

    @Test func detectsBareLineFeeds() {
        #expect(!Message.hasOnlyCRLF("a\nb"))
        #expect(!Message.hasOnlyCRLF("a\rb"))
        #expect(Message.hasOnlyCRLF("a\r\nb\r\n"))
    }

    // MARK: - Headers

    @Test func asciiHeadersAreExact() throws {
        let message = try Message(EmailComposer.compose(Self.content(fromName: #"Salon "Best" \ Co"#)))
        let boundary = try #require(message.boundary)
        #expect(boundary.hasPrefix("=_bkntc_"))
        #expect(
            message.headerLines == [
                "Date: Tue, 01 Dec 2026 11:00:00 +0000",
                "Message-ID: <abc-123@example.com>",
                #"From: "Salon \"Best\" \\ Co" <salon@example.com>"#,
                "To: <ada@example.com>",
                "Subject: Hello",
                "MIME-Version: 1.0",
                "List-Unsubscribe: <\(Self.unsubscribeURL)>,",
                " <mailto:salon@example.com?subject=unsubscribe>",
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            ])
    }

    @Test func fromIsBareAddressWithoutName() throws {
        for name in [nil, "", "   ", "\r\n"] as [String?] {
            let message = try Message(EmailComposer.compose(Self.content(fromName: name)))
            #expect(message.header("From") == "salon@example.com")
        }
    }

    @Test func nonASCIINameAndSubjectAreEncodedWords() throws {
        let name = "Café Müller 💇‍♀️"
        let subject = "Grüße aus dem Salon — 20 % Rabatt auf alles, nur diese Woche! 🎉 Jetzt buchen"
        let message = try Message(EmailComposer.compose(Self.content(fromName: name, subject: subject)))

        let from = try #require(message.header("From"))
        #expect(from.hasPrefix("=?UTF-8?B?"))
        #expect(from.hasSuffix("?= <salon@example.com>"))
        #expect(try EncodedWords.decode(String(from.dropLast(" <salon@example.com>".count))) == name)

        let encodedSubject = try #require(message.header("Subject"))
        #expect(encodedSubject.hasPrefix("=?UTF-8?B?"))
        #expect(message.rawHeader("Subject")?.contains("\r\n ") == true, "a long subject is folded into several words")
        #expect(try EncodedWords.decode(encodedSubject) == subject)
    }

    @Test func lineBreaksCannotInjectHeaders() throws {
        let content = EmailContent(
            fromName: "Evil\r\nBcc: victim@example.com", fromAddress: "salon@example.com\r\nX-A: 1",
            to: "ada@example.com\nCc: other@example.com", subject: "Hi\r\nBcc: evil@example.com\r\n\r\nbody",
            body: "Hello", unsubscribeURL: "https://x.test/u\r\nX-Injected: yes", date: Self.fixedDate,
            messageID: "id\r\nX-Id: 1")
        let text = EmailComposer.compose(content)
        let message = try Message(text)
        #expect(Message.hasOnlyCRLF(text))
        for line in message.headerLines where !line.hasPrefix(" ") {
            let name = line.prefix(while: { $0 != ":" })
            #expect(
                [
                    "Date", "Message-ID", "From", "To", "Subject", "MIME-Version", "List-Unsubscribe",
                    "List-Unsubscribe-Post", "Content-Type",
                ].contains(String(name)),
                "unexpected header line \(line)")
        }
        #expect(message.header("Subject") == "Hi Bcc: evil@example.com body")
        #expect(message.header("From") == #""Evil Bcc: victim@example.com" <salon@example.comX-A:1>"#)
    }

    @Test func longASCIISubjectIsFoldedAtSpaces() throws {
        let subject = Array(repeating: "Appointment reminder for next week", count: 8).joined(separator: " ")
        let text = EmailComposer.compose(Self.content(subject: subject))
        let message = try Message(text)
        #expect(message.header("Subject") == subject)
        #expect(message.headerLines.allSatisfy { $0.count <= 78 })
        #expect(message.headerLines.filter { $0.hasPrefix(" ") }.count >= 3)
    }

    @Test func unfoldableSubjectStaysWithinTheHardLimit() throws {
        let subject = String(repeating: "x", count: 1_500)
        let message = try Message(EmailComposer.compose(Self.content(subject: subject)))
        #expect(message.headerLines.allSatisfy { $0.count <= 998 })
        #expect(try EncodedWords.decode(message.header("Subject") ?? "") == subject)
    }

    @Test func dateIsRFC5322InUTC() throws {
        #expect(try Message(EmailComposer.compose(Self.content())).header("Date") == "Tue, 01 Dec 2026 11:00:00 +0000")

        var content = Self.content()
        content.date = Date(timeIntervalSince1970: 1_741_158_489)  // 2025-03-05 07:08:09 UTC
        #expect(try Message(EmailComposer.compose(content)).header("Date") == "Wed, 05 Mar 2025 07:08:09 +0000")
    }

    @Test func messageIDUsesTheSenderDomain() throws {
        var content = Self.content(fromAddress: "Salon@Mail.Example.org")
        content.messageID = "5F0C7E1A-2B3C-4D5E-8F90-112233445566"
        let message = try Message(EmailComposer.compose(content))
        #expect(message.header("Message-ID") == "<5F0C7E1A-2B3C-4D5E-8F90-112233445566@Mail.Example.org>")
    }

    // MARK: - List-Unsubscribe

    @Test func listUnsubscribeWithMailto() throws {
        let message = try Message(EmailComposer.compose(Self.content()))
        #expect(
            message.header("List-Unsubscribe")
                == "<\(Self.unsubscribeURL)>, <mailto:salon@example.com?subject=unsubscribe>")
        #expect(message.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
    }

    @Test func listUnsubscribeWithoutMailtoWhenThereIsNoSender() throws {
        let message = try Message(EmailComposer.compose(Self.content(fromAddress: "")))
        #expect(message.header("List-Unsubscribe") == "<\(Self.unsubscribeURL)>")
        #expect(message.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
    }

    @Test func noUnsubscribeHeadersOrFooterWithoutURL() throws {
        let message = try Message(EmailComposer.compose(Self.content(unsubscribeURL: nil)))
        #expect(message.header("List-Unsubscribe") == nil)
        #expect(message.header("List-Unsubscribe-Post") == nil)
        #expect(message.textPart == "Hi Ada,\r\nsee you soon.")
        #expect(!message.htmlPart.contains("Unsubscribe"))
        #expect(!message.htmlPart.contains("<p style"))
    }

    // MARK: - Body

    @Test func multipartStructure() throws {
        let text = EmailComposer.compose(Self.content())
        let message = try Message(text)
        let boundary = try #require(message.boundary)
        let bodyLines = message.body.components(separatedBy: "\r\n")
        #expect(bodyLines.first == "--\(boundary)")
        #expect(bodyLines.filter { $0 == "--\(boundary)" }.count == 2)
        #expect(bodyLines.filter { $0 == "--\(boundary)--" }.count == 1)
        #expect(message.body.hasSuffix("\r\n--\(boundary)--\r\n"))
        #expect(
            message.parts.map(\.headers) == [
                ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"],
                ["Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"],
            ])
        for part in message.parts {
            #expect(!part.encoded.contains(boundary))
        }
        #expect(EmailComposer.compose(Self.content()) == text, "composing is deterministic")
    }

    @Test func quotedPrintableRoundTrip() throws {
        let long = String(repeating: "0123456789", count: 30)
        let lines = [
            "Grüße 💇‍♀️", long, "trailing space ", "trailing tab\t", ".", "From the salon", "a=b", "",
            String(repeating: "ü", count: 60), String(repeating: "💇‍♀️", count: 10), "end",
        ]
        let body = lines.joined(separator: "\n")
        let message = try Message(EmailComposer.compose(Self.content(body: body, unsubscribeURL: nil)))

        #expect(message.textPart == lines.joined(separator: "\r\n"))
        #expect(message.htmlPart.contains(lines.joined(separator: "<br>\r\n")))

        for part in message.parts {
            for line in part.encoded.components(separatedBy: "\r\n") {
                #expect(line.count <= 76, "line too long: \(line)")
                #expect(QuotedPrintableCheck.isWellFormed(line), "malformed: \(line)")
                #expect(!line.hasPrefix("."), "leading dot: \(line)")
                #expect(!line.hasPrefix("From "), "leading From: \(line)")
                #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"), "trailing whitespace: \(line)")
            }
        }
    }

    @Test func quotedPrintableEncoderDetails() {
        #expect(QuotedPrintable.encode("a=b") == "a=3Db")
        #expect(QuotedPrintable.encode("ü") == "=C3=BC")
        #expect(QuotedPrintable.encode("x \ny\t") == "x=20\r\ny=09")
        #expect(QuotedPrintable.encode(".\nFrom me\nFromage") == "=2E\r\n=46rom me\r\nFromage")
        #expect(QuotedPrintable.encode(String(repeating: "a", count: 76)) == String(repeating: "a", count: 76))
        #expect(
            QuotedPrintable.encode(String(repeating: "a", count: 77))
                == String(repeating: "a", count: 75) + "=\r\naa")
        let multibyte = QuotedPrintable.encode(String(repeating: "a", count: 74) + "ü")
        #expect(multibyte == String(repeating: "a", count: 74) + "=\r\n=C3=BC")
    }

    @Test func everyBodyLineIsShort() throws {
        let html = "<div>" + String(repeating: "<span>Lange Zeile mit Umlauten äöü und Emoji 🎉</span>", count: 40) + "</div>"
        for body in [html, String(repeating: "word ", count: 200), String(repeating: "ß", count: 500)] {
            let message = try Message(EmailComposer.compose(Self.content(body: body)))
            for line in message.body.components(separatedBy: "\r\n") {
                #expect(line.count <= 78)
            }
        }
    }

    @Test func htmlBodyGetsADerivedTextPart() throws {
        let body = #"<p>Hello <b>Ada</b>,</p><p>Your visit: <a href="https://x.test/book?a=1&amp;b=2">Book now</a></p>"#
        let message = try Message(EmailComposer.compose(Self.content(body: body, unsubscribeURL: nil)))
        #expect(message.textPart == "Hello Ada,\r\n\r\nYour visit: Book now (https://x.test/book?a=1&b=2)")
        #expect(message.htmlPart.hasPrefix("<!DOCTYPE html>\r\n<html>"))
        #expect(message.htmlPart.contains("<body>\r\n" + body + "\r\n</body>"))
    }

    @Test func fullHTMLDocumentIsNotWrappedAgain() throws {
        let body = "<!DOCTYPE html>\n<html><head><style>p{color:red}</style></head><body><p>Hi</p></body></html>"
        let message = try Message(EmailComposer.compose(Self.content(body: body)))
        #expect(message.htmlPart.components(separatedBy: "<html").count == 2)
        #expect(message.htmlPart.hasPrefix("<!DOCTYPE html>\r\n<html><head>"))
        #expect(
            message.htmlPart.contains(
                "<p>Hi</p><p style=\"margin:24px 0 0;font-size:12px;line-height:1.5;color:#6b7280;\">"
                    + "<a href=\"https://campaigns.example.com/unsubscribe/tok_123?a=1&amp;b=2\" "
                    + "style=\"color:#6b7280;\">Unsubscribe</a></p>\r\n</body></html>"))
        #expect(message.textPart == "Hi\r\n\r\n-- \r\nUnsubscribe: \(Self.unsubscribeURL)\r\n")
    }

    @Test func plainBodyGetsAnEscapedHTMLPart() throws {
        let body = "Hi <script>alert(1)</script> & \"you\"\nBye"
        let message = try Message(EmailComposer.compose(Self.content(body: body, unsubscribeURL: nil)))
        #expect(message.textPart == "Hi <script>alert(1)</script> & \"you\"\r\nBye")
        #expect(
            message.htmlPart.contains(
                "Hi &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;you&quot;<br>\r\nBye"))
        #expect(!message.htmlPart.contains("<script"))
        #expect(message.htmlPart.hasPrefix("<!DOCTYPE html>"))
    }
}
