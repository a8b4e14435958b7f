import Campaigns
import Foundation
import Testing

@testable import Messaging

/// The call to action (DESIGN §15): a table-based button after the body and before the footer,
/// `label: URL` in the text part, customer strings escaped.
@Suite("EmailComposer: the call to action")
struct EmailButtonTests {
    static func parts(body: String, isHTML: Bool?, action: CallToAction) -> (text: String, html: String) {
        EmailComposer.parts(
            of: EmailContent(
                fromAddress: "salon@example.com", to: "ada@example.com", subject: "Hi", body: body,
                unsubscribeURL: EmailComposerTests.unsubscribeURL, date: EmailComposerTests.fixedDate, messageID: "m", isHTML: isHTML,
                action: action))
    }

    @Test func theButtonIsATableLinkAfterTheBodyAndBeforeTheFooter() throws {
        let action = CallToAction(label: "Book <now> & \"save\"", url: "https://e.com/b?n=J%C3%B6rg&x=1")
        for (body, isHTML) in [("<p>Hello</p>", true), ("Hello", false), ("<html><body><p>Hello</p></body></html>", true)] {
            let (text, html) = Self.parts(body: body, isHTML: isHTML, action: action)
            let table = try #require(html.range(of: "<table role=\"presentation\""), "\(html)")
            let link = try #require(html.range(of: "<a href=\"https://e.com/b?n=J%C3%B6rg&amp;x=1\""))
            let label = try #require(html.range(of: ">Book &lt;now&gt; &amp; &quot;save&quot;</a>"))
            let hello = try #require(html.range(of: "Hello"))
            let footer = try #require(html.range(of: EmailComposerTests.unsubscribeURL.replacingOccurrences(of: "&", with: "&amp;")))
            #expect(hello.lowerBound < table.lowerBound && table.lowerBound < link.lowerBound && link.upperBound <= label.lowerBound)
            #expect(label.upperBound < footer.lowerBound, "before the unsubscribe footer")
            #expect(html.contains("bgcolor=\"#2563eb\"") && html.contains("display:inline-block"), "styled inline for Outlook and Gmail")
            #expect(!html.contains("<now>"))
            #expect(
                text.contains("Hello\n\nBook <now> & \"save\": https://e.com/b?n=J%C3%B6rg&x=1\n\n-- \nUnsubscribe: "), "\(text)")
        }
    }

    /// `BKNTC_EMAIL_BUTTON_HTML=<file> swift test --filter EmailButtonTests` writes an HTML part
    /// with the button there, to look at in a browser (the README's screenshot was taken so).
    @Test func theHTMLPartCanBeWrittenOutToLookAt() throws {
        guard let path = ProcessInfo.processInfo.environment["BKNTC_EMAIL_BUTTON_HTML"] else { return }
        let body = "<p>Hallo Anna Maria,</p>\n<p>wir haben Sie lange nicht gesehen. Buchen Sie Ihren nächsten Termin:</p>"
        let html = Self.parts(
            body: body, isHTML: true, action: CallToAction(label: "Jetzt buchen", url: "https://salon.example/book?name=Anna%20Maria")
        ).html
        try html.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
