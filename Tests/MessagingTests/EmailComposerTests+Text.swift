import Campaigns
import Foundation
import Testing

@testable import Messaging

/// The footer's language, and `plainText(fromHTML:)`: the text part derived from an HTML body.
extension EmailComposerTests {
    @Test func englishFooterByDefault() throws {
        let message = try Message(EmailComposer.compose(Self.content()))
        #expect(message.textPart.hasSuffix("see you soon.\r\n\r\n-- \r\nUnsubscribe: \(Self.unsubscribeURL)\r\n"))
        #expect(
            message.htmlPart.contains(
                "<a href=\"https://campaigns.example.com/unsubscribe/tok_123?a=1&amp;b=2\" style=\"color:#6b7280;\">Unsubscribe</a></p>\r\n</body>"))
    }

    @Test func germanFooterForGermanLocale() throws {
        let message = try Message(EmailComposer.compose(Self.content(language: "de_DE")))
        #expect(message.textPart.hasSuffix("-- \r\nAbmelden: \(Self.unsubscribeURL)\r\n"))
        #expect(message.htmlPart.contains(">Abmelden</a>"))
        #expect(!message.htmlPart.contains("Unsubscribe"))
    }

    @Test func unknownLanguageFooterIsEnglish() throws {
        let message = try Message(EmailComposer.compose(Self.content(language: "xx-YY")))
        #expect(message.textPart.contains("Unsubscribe: "))
    }

    @Test func plainTextDropsHeadStyleAndScript() {
        let html = """
            <html><head><title>T</title><style>p { color: red; }</style></head>
            <body><script type="text/javascript">var a = "<p>no</p>";</script><p>Yes</p>
            <SCRIPT>x()</SCRIPT><STYLE>.a{}</STYLE>ok</body></html>
            """
        #expect(EmailComposer.plainText(fromHTML: html) == "Yes\n\nok")
    }

    @Test func plainTextBlocksAndBreaks() {
        let html = """
            <h1>Title</h1><p>First<br>line<br/>two</p><div>Block</div><div>Next</div>
            <ul><li>One</li><li>Two</li></ul><hr><table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>
            """
        #expect(EmailComposer.plainText(fromHTML: html) == "Title\n\nFirst\nline\ntwo\n\nBlock\nNext\n- One\n- Two\n\na b\nc")
    }

    @Test func plainTextLinks() {
        let html = """
            <a href="https://x.test/a">Book</a> <a href="https://x.test/b">https://x.test/b</a> \
            <a href="#">Top</a> <a href="">Empty</a> <a href='mailto:ada@example.com'>ada@example.com</a> \
            <a href="https://x.test/logo"><img src="l.png" alt=""></a>
            """
        #expect(
            EmailComposer.plainText(fromHTML: html)
                == "Book (https://x.test/a) https://x.test/b Top Empty ada@example.com https://x.test/logo")
    }

    @Test func plainTextEntitiesAndWhitespace() {
        let html = "<p>  Fish &amp; chips &lt;3 &gt; &quot;q&quot; &#39;s&apos; a&nbsp;b &#252; &#x1F389; &bogus; & x </p>\n\n\n<p>\t\tEnd\t </p>"
        #expect(EmailComposer.plainText(fromHTML: html) == "Fish & chips <3 > \"q\" 's' a b ü 🎉 &bogus; & x\n\nEnd")
    }

    @Test func plainTextKeepsAtMostOneBlankLine() {
        let html = "<p>a</p><p></p><br><br><br><div></div><p>b</p>"
        #expect(EmailComposer.plainText(fromHTML: html) == "a\n\nb")
    }

    @Test func plainTextTreatsStrayAngleBracketsAsText() {
        #expect(EmailComposer.plainText(fromHTML: "<p>1 < 2 and 3 > 2</p><!-- hidden <p>x</p> -->") == "1 < 2 and 3 > 2")
    }
}
