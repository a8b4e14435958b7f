import Foundation
import Testing

@testable import Campaigns

@Suite("MessageRenderer")
struct MessageRendererTests {
    let ada = RecipientFields(
        firstName: "Ada", lastName: "Lovelace", phone: "+447911123456", email: "ada@example.com")

    static let allShortcodesTemplate =
        "{customer_full_name}|{customer_name}|{customer_first_name}|{customer_last_name}|{customer_phone}|{customer_email}"

    @Test func knownShortcodesList() {
        #expect(
            MessageRenderer.knownShortcodes == [
                "customer_full_name", "customer_name", "customer_first_name",
                "customer_last_name", "customer_phone", "customer_email",
            ])
    }

    @Test func everyShortcode() {
        let rendered = MessageRenderer.render(Self.allShortcodesTemplate, for: ada, channel: .sms)
        #expect(rendered == "Ada Lovelace|Ada Lovelace|Ada|Lovelace|+447911123456|ada@example.com")
    }

    @Test func textAroundShortcodesIsKept() {
        let rendered = MessageRenderer.render(
            "Hi {customer_first_name}! 🎉\r\nSee you, {customer_name}.", for: ada, channel: .email)
        #expect(rendered == "Hi Ada! 🎉\r\nSee you, Ada Lovelace.")
    }

    @Test func fullNameIsTrimmedAndSingleSpaced() {
        let padded = RecipientFields(firstName: "  Ada ", lastName: " Lovelace\n", phone: nil, email: nil)
        #expect(MessageRenderer.render("[{customer_full_name}]", for: padded, channel: .sms) == "[Ada Lovelace]")

        let firstOnly = RecipientFields(firstName: "Ada", lastName: nil, phone: "+15551234567")
        #expect(MessageRenderer.render("[{customer_name}]", for: firstOnly, channel: .sms) == "[Ada]")

        let lastOnly = RecipientFields(firstName: "", lastName: "Lovelace", phone: "+15551234567")
        #expect(MessageRenderer.render("[{customer_name}]", for: lastOnly, channel: .sms) == "[Lovelace]")
    }

    @Test func nameFallsBackToPhoneForPhoneChannels() {
        let noName = RecipientFields(firstName: nil, lastName: nil, phone: "+15551234567", email: "x@example.com")
        #expect(MessageRenderer.render("Hi {customer_name}", for: noName, channel: .sms) == "Hi +15551234567")
        #expect(
            MessageRenderer.render("Hi {customer_full_name}", for: noName, channel: .whatsapp)
                == "Hi +15551234567")

        let blankName = RecipientFields(firstName: "  ", lastName: "", phone: "+15551234567", email: nil)
        #expect(MessageRenderer.render("Hi {customer_name}", for: blankName, channel: .sms) == "Hi +15551234567")
    }

    @Test func nameFallsBackToEmailForEmail() {
        let noName = RecipientFields(firstName: nil, lastName: nil, phone: "+15551234567", email: "x@example.com")
        #expect(MessageRenderer.render("Hi {customer_name}", for: noName, channel: .email) == "Hi x@example.com")
        #expect(
            MessageRenderer.render("Hi {customer_full_name}", for: noName, channel: .email)
                == "Hi x@example.com")
    }

    @Test func nilFieldsRenderEmpty() {
        let empty = RecipientFields()
        #expect(MessageRenderer.render(Self.allShortcodesTemplate, for: empty, channel: .sms) == "|||||")
        #expect(MessageRenderer.render(Self.allShortcodesTemplate, for: empty, channel: .email) == "|||||")
    }

    @Test func unknownShortcodesAreReportedAndLeftUntouched() {
        let template =
            "Hi {customer_name}, use {coupon} or {Customer_Name} ({coupon}) {not-a-token} {} {customer_name {discount_2}"
        #expect(MessageRenderer.unknownShortcodes(in: template) == ["{coupon}", "{Customer_Name}", "{discount_2}"])
        #expect(
            MessageRenderer.render(template, for: ada, channel: .sms)
                == "Hi Ada Lovelace, use {coupon} or {Customer_Name} ({coupon}) {not-a-token} {} {customer_name {discount_2}"
        )
        #expect(MessageRenderer.unknownShortcodes(in: Self.allShortcodesTemplate).isEmpty)
        #expect(MessageRenderer.unknownShortcodes(in: "no tokens at all").isEmpty)
    }

    @Test func nestedBracesAndValuesAreNotReexpanded() {
        #expect(MessageRenderer.render("{{customer_first_name}}", for: ada, channel: .sms) == "{Ada}")
        let tricky = RecipientFields(firstName: "{customer_email}", lastName: nil, phone: nil, email: "e@example.com")
        #expect(MessageRenderer.render("{customer_first_name}", for: tricky, channel: .email) == "{customer_email}")
    }

    @Test func htmlEscapesValuesButNotTemplate() {
        let nasty = RecipientFields(
            firstName: "<b>Tom & \"Jerry\"</b>", lastName: "O'Neil", phone: nil, email: "a&b@example.com")
        let template = "<p>Hello {customer_full_name} & co, {customer_email}</p>"
        #expect(
            MessageRenderer.render(template, for: nasty, channel: .email, html: true)
                == "<p>Hello &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; O&#39;Neil & co, a&amp;b@example.com</p>")
        // A plain-text template: values go in as typed (the message says it is not HTML).
        #expect(
            MessageRenderer.render(template, for: nasty, channel: .email)
                == "<p>Hello <b>Tom & \"Jerry\"</b> O'Neil & co, a&b@example.com</p>")
        #expect(MessageRenderer.render("Hi {customer_first_name}", for: nasty, channel: .sms) == "Hi <b>Tom & \"Jerry\"</b>", "SMS is never HTML")
    }

    @Test func subjectStripsHeaderInjection() {
        let attacker = RecipientFields(
            firstName: "Eve\r\nBcc: victim@example.com", lastName: nil, phone: nil, email: "eve@example.com")
        let subject = MessageRenderer.renderSubject("Hello {customer_first_name}\n", for: attacker, channel: .email)
        #expect(subject == "Hello Eve Bcc: victim@example.com")
        #expect(!subject.unicodeScalars.contains("\r"))
        #expect(!subject.unicodeScalars.contains("\n"))

        let multi = RecipientFields(firstName: "A\r\n\r\n\nB", lastName: "C\rD")
        #expect(MessageRenderer.renderSubject("{customer_name}", for: multi, channel: .email) == "A B C D")
        #expect(MessageRenderer.renderSubject("  Your booking  ", for: ada, channel: .email) == "Your booking")
    }

    @Test func encodeHeaderKeepsPrintableASCII() {
        #expect(MessageRenderer.encodeHeader("Your booking, Ada!") == "Your booking, Ada!")
        #expect(MessageRenderer.encodeHeader("Line1\r\nLine2\nLine3") == "Line1 Line2 Line3")
        #expect(MessageRenderer.encodeHeader("") == "")
    }

    @Test func encodeHeaderShortNonASCII() {
        #expect(MessageRenderer.encodeHeader("Grüße") == "=?UTF-8?B?R3LDvMOfZQ==?=")
        #expect(
            MessageRenderer.encodeHeader("Réservation confirmée")
                == "=?UTF-8?B?UsOpc2VydmF0aW9uIGNvbmZpcm3DqWU=?=")
        #expect(MessageRenderer.encodeHeader("Grü\r\nße") == "=?UTF-8?B?R3LDvCDDn2U=?=")
    }

    @Test(arguments: [
        "Réservation confirmée pour votre rendez-vous chez Ünïcödé Salon — à bientôt! 🎉🎉🎉",
        String(repeating: "ж", count: 100),
        String(repeating: "😀", count: 40),
        "a" + String(repeating: "€", count: 50),
        String(repeating: "ab€", count: 30) + "👩‍👩‍👧‍👦",
    ])
    func encodeHeaderRoundTrips(_ original: String) throws {
        let encoded = MessageRenderer.encodeHeader(original)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        var decoded = Data()
        for word in words {
            #expect(word.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?"))
            #expect(word.hasSuffix("?="))
            let payload = String(word.dropFirst("=?UTF-8?B?".count).dropLast(2))
            let bytes = try #require(Data(base64Encoded: payload))
            // No character is split across words: each word decodes as valid UTF-8 on its own.
            #expect(String(data: bytes, encoding: .utf8) != nil)
            decoded.append(bytes)
        }
        #expect(String(data: decoded, encoding: .utf8) == original)
        #expect(!encoded.replacingOccurrences(of: "\r\n ", with: "").unicodeScalars.contains { $0 == "\r" || $0 == "\n" })
    }

    @Test func renderVariables() {
        let variables = ["1": "{customer_first_name}", "2": "Static", "3": "{customer_name} / {unknown}"]
        #expect(
            MessageRenderer.renderVariables(variables, for: ada, channel: .whatsapp)
                == ["1": "Ada", "2": "Static", "3": "Ada Lovelace / {unknown}"])
        #expect(MessageRenderer.renderVariables([:], for: ada, channel: .whatsapp).isEmpty)
    }

    @Test func looksLikeHTML() {
        #expect(MessageRenderer.looksLikeHTML("<p>Hello</p>"))
        #expect(MessageRenderer.looksLikeHTML("Line one<BR/>Line two"))
        #expect(MessageRenderer.looksLikeHTML("<DIV class=\"x\">hi</DIV>"))
        #expect(MessageRenderer.looksLikeHTML("<!DOCTYPE html><html><body>x</body></html>"))
        #expect(MessageRenderer.looksLikeHTML("Click <a href=\"https://example.com\">here</a>"))
        #expect(MessageRenderer.looksLikeHTML("Some <b>bold</b> text"))
        #expect(MessageRenderer.looksLikeHTML("<Strong>x</strong>"))
        #expect(MessageRenderer.looksLikeHTML("<table><tr><td>1</td></tr></table>"))
        #expect(MessageRenderer.looksLikeHTML("<span>x</span>"))
        #expect(!MessageRenderer.looksLikeHTML("Plain text message"))
        #expect(!MessageRenderer.looksLikeHTML("I <3 you, 2 < 3 > 1"))
        #expect(!MessageRenderer.looksLikeHTML(""))
    }

    @Test func testCustomer() {
        let sms = RecipientFields.testCustomer(address: "+15551234567", channel: .sms)
        #expect(sms == RecipientFields(firstName: "Test", lastName: "Customer", phone: "+15551234567", email: nil))
        let whatsapp = RecipientFields.testCustomer(address: "+15551234567", channel: .whatsapp)
        #expect(whatsapp.phone == "+15551234567")
        #expect(whatsapp.email == nil)
        let email = RecipientFields.testCustomer(address: "qa@example.com", channel: .email)
        #expect(email == RecipientFields(firstName: "Test", lastName: "Customer", phone: nil, email: "qa@example.com"))
        #expect(
            MessageRenderer.render(Self.allShortcodesTemplate, for: email, channel: .email)
                == "Test Customer|Test Customer|Test|Customer||qa@example.com")
    }
}
