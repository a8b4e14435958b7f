import Campaigns
import Testing

/// Which links a message's tracking rewrites (DESIGN §18), and the codes it mints.
@Suite("Link rewriting")
struct LinkRewriterTests {
    static func short(_ url: String) -> String? { "https://s.example/r/" + String(url.count) }

    @Test func everyHTTPURLOfATextIsReplacedAndItsPunctuationKept() {
        let text = "Book now: https://salon.example/book?x=1&y=2. Or HTTP://Old.example/a_(b) (see http://x.example/p), mailto:a@b.example"
        let rewritten = LinkRewriter.rewriteText(text, Self.short)
        #expect(
            rewritten
                == "Book now: https://s.example/r/34. Or https://s.example/r/24 (see https://s.example/r/18), mailto:a@b.example")
        #expect(
            LinkRewriter.rewriteText("nothing here, nor in xhttps://a.example or https://", Self.short)
                == "nothing here, nor in xhttps://a.example or https://")
    }

    @Test func onlyHTTPHrefsOfLinksAreReplacedInHTML() {
        let html = """
            <p>Hi <a href="https://salon.example/offer?a=1&amp;b=2">offer</a> <a href='mailto:x@y.example'>mail</a>
            <a href="javascript:alert(1)">js</a> <a href=/relative>rel</a> <A HREF=http://up.example/>up</A>
            <link href="https://cdn.example/style.css"> <!-- <a href="https://hidden.example"> -->
            https://text.example 1 < 2 <img src="https://img.example/a.png"></p>
            """
        var seen: [String] = []
        let rewritten = LinkRewriter.rewriteHTML(html) { url in
            seen.append(url)
            return "https://s.example/r/CODE&"
        }
        #expect(seen == ["https://salon.example/offer?a=1&b=2", "http://up.example/"])
        #expect(rewritten.contains(#"<a href="https://s.example/r/CODE&amp;">offer</a>"#))
        #expect(rewritten.contains("<A HREF=https://s.example/r/CODE&amp;>up</A>"))
        #expect(rewritten.contains("mailto:x@y.example") && rewritten.contains("javascript:alert(1)") && rewritten.contains("href=/relative"))
        #expect(rewritten.contains("https://cdn.example/style.css") && rewritten.contains("https://hidden.example"))
        #expect(rewritten.contains("https://text.example") && rewritten.contains("https://img.example/a.png"))
    }

    @Test func codesAreTenBase62CharactersAndDistinct() {
        var codes = Set<String>()
        for _ in 0..<10_000 {
            let code = ShortCode.make()
            #expect(code.count == 10 && ShortCode.isWellFormed(code))
            codes.insert(code)
        }
        #expect(codes.count == 10_000)
        #expect(!ShortCode.isWellFormed("abc") && !ShortCode.isWellFormed("abcdefgh-") && !ShortCode.isWellFormed("abcdefghijklm"))
        #expect(ShortCode.isWellFormed("abcdefgh") && ShortCode.isWellFormed("ABCDEFGHIJ12"))
    }

    @Test func onlyAbsoluteHTTPURLsAreRedirectable() {
        #expect(TrackedLink.isRedirectable("https://salon.example/x"))
        #expect(TrackedLink.isRedirectable("HTTP://salon.example"))
        for url in ["javascript:alert(1)", "https:///x", "ftp://a.example", "https://a.example/ x", "//a.example", "data:text/html,x", "https://"] {
            #expect(!TrackedLink.isRedirectable(url), "\(url)")
        }
    }

    @Test func segmentsAreCountedAtTheShortLinksLength() {
        let long = "Hi Ann, our new offer: https://salon.example/" + String(repeating: "a", count: 150)
        #expect(SMSEncoding.analyze(long).segments == 2)
        let sized = LinkRewriter.withShortLinkLengths(long, base: "https://bk.example")
        #expect(sized == "Hi Ann, our new offer: https://bk.example/r/0000000000")
        #expect(SMSEncoding.analyze(sized).segments == 1)
    }
}
