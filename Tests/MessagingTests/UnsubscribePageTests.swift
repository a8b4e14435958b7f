import Foundation
import Testing

@testable import Messaging

@Suite("UnsubscribePage")
struct UnsubscribePageTests {
    static let allLanguages = ["en", "de", "fr", "es", "it", "pt", "nl", "tr", "ru", "pl", "az"]
    static let allStates: [UnsubscribePage.State] = [
        .confirm(address: "a***@example.com", actionPath: "/unsubscribe/tok"),
        .done(address: "a***@example.com"),
        .invalid,
    ]

    @Test func confirmPageInEnglish() {
        let html = UnsubscribePage.render(
            .confirm(address: "ada@example.com", actionPath: "/unsubscribe/tok_1"), language: nil, businessName: "Salon Ada")
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(html.contains("<meta name=\"robots\" content=\"noindex\">"))
        #expect(html.contains("<title>Unsubscribe – Salon Ada</title>"))
        #expect(html.contains("<p class=\"sender\">Salon Ada</p>"))
        #expect(html.contains("<h1>Unsubscribe from these emails?</h1>"))
        #expect(
            html.contains(
                "<p>Confirm that you no longer want to receive these emails at <strong>ada@example.com</strong>.</p>"))
        #expect(
            html.contains(
                "<form method=\"post\" action=\"/unsubscribe/tok_1\">\n<button type=\"submit\">Unsubscribe</button>\n</form>"))
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test func donePageInEnglish() {
        let html = UnsubscribePage.render(.done(address: "ada@example.com"), language: "en_US", businessName: nil)
        #expect(html.contains("<h1>You are unsubscribed</h1>"))
        #expect(html.contains("<p><strong>ada@example.com</strong> will no longer receive these emails.</p>"))
        #expect(!html.contains("<form"))
        #expect(!html.contains("class=\"sender\""))
        #expect(html.contains("<title>Unsubscribe</title>"))
    }

    @Test func invalidPageInEnglish() {
        let html = UnsubscribePage.render(.invalid, language: nil, businessName: "  ")
        #expect(html.contains("<h1>This unsubscribe link is not valid</h1>"))
        #expect(html.contains("The link may be incomplete or expired."))
        #expect(!html.contains("<form"))
        #expect(!html.contains("<button"))
        #expect(!html.contains("class=\"sender\""))
    }

    @Test func germanLocale() {
        let html = UnsubscribePage.render(.done(address: "ada@example.com"), language: "de_DE", businessName: nil)
        #expect(html.contains("<html lang=\"de\">"))
        #expect(html.contains("<h1>Sie sind abgemeldet</h1>"))
        #expect(html.contains("<strong>ada@example.com</strong> erhält diese E-Mails nicht mehr."))
        #expect(html.contains("<title>Abmelden</title>"))

        let confirm = UnsubscribePage.render(
            .confirm(address: "a", actionPath: "/u"), language: "de-AT", businessName: nil)
        #expect(confirm.contains("<button type=\"submit\">Abmelden</button>"))
    }

    @Test func unknownLanguageIsEnglish() {
        let html = UnsubscribePage.render(.invalid, language: "xx", businessName: nil)
        #expect(html.contains("<html lang=\"en\">"))
        #expect(html.contains("This unsubscribe link is not valid"))
    }

    @Test func interpolatedValuesAreEscaped() {
        let html = UnsubscribePage.render(
            .confirm(address: "<script>alert(1)</script>", actionPath: #"/unsubscribe/a"b'c<d>&e"#),
            language: nil, businessName: #"<b>Salon</b> & "Co""#)
        #expect(html.contains("<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>"))
        #expect(html.contains(#"action="/unsubscribe/a&quot;b&#39;c&lt;d&gt;&amp;e""#))
        #expect(html.contains("<p class=\"sender\">&lt;b&gt;Salon&lt;/b&gt; &amp; &quot;Co&quot;</p>"))
        #expect(html.contains("<title>Unsubscribe – &lt;b&gt;Salon&lt;/b&gt; &amp; &quot;Co&quot;</title>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<b>"))

        let done = UnsubscribePage.render(.done(address: "<script>x</script>"), language: "ru", businessName: nil)
        #expect(done.contains("&lt;script&gt;x&lt;/script&gt;"))
        #expect(!done.lowercased().contains("<script"))
    }

    @Test func formPostsToTheActionPath() {
        let html = UnsubscribePage.render(
            .confirm(address: "a@b.c", actionPath: "/unsubscribe/eyJ0.abc-_"), language: "fr", businessName: nil)
        #expect(html.contains("<form method=\"post\" action=\"/unsubscribe/eyJ0.abc-_\">"))
        #expect(html.components(separatedBy: "<form").count == 2)
        #expect(html.contains("<button type=\"submit\">Se désabonner</button>"))
    }

    @Test(arguments: allLanguages)
    func pageIsSelfContainedAndCSPSafe(language: String) throws {
        for state in Self.allStates {
            let html = UnsubscribePage.render(state, language: language, businessName: "Salon")
            let lower = html.lowercased()
            #expect(html.contains("<html lang=\"\(language)\">"))
            #expect(!lower.contains("<script"))
            #expect(!lower.contains("javascript:"))
            #expect(!lower.contains(" style="), "no style attributes")
            #expect(lower.firstMatch(of: #/\son[a-z]+\s*=/#) == nil, "no inline event handlers")
            #expect(!lower.contains("<link"))
            #expect(!lower.contains("<img"))
            #expect(!lower.contains("http://") && !lower.contains("https://"), "no external assets")
            #expect(html.components(separatedBy: "<style>").count == 2)
            #expect(html.components(separatedBy: "<main>").count == 2)
            #expect(html.components(separatedBy: "<h1>").count == 2)
            #expect(html.contains("button:focus-visible{outline:3px solid"))
            let styleStart = try #require(html.range(of: "<style>"))
            let headEnd = try #require(html.range(of: "</head>"))
            #expect(styleStart.lowerBound < headEnd.lowerBound, "the stylesheet is in the head")
        }
    }

    @Test(arguments: allLanguages)
    func everyLanguageIsTranslated(language: String) {
        let strings = UnsubscribeStrings.forLanguage(language)
        let values = [
            strings.pageTitle, strings.confirmHeading, strings.confirmTemplate, strings.buttonLabel,
            strings.doneHeading, strings.doneTemplate, strings.invalidHeading, strings.invalidText,
            strings.footerLink,
        ]
        #expect(values.allSatisfy { !$0.isEmpty })
        #expect(strings.confirmTemplate.contains("{address}"))
        #expect(strings.doneTemplate.contains("{address}"))
        if language != "en" {
            #expect(strings != UnsubscribeStrings.forLanguage("en"))
            #expect(strings.doneHeading != UnsubscribeStrings.forLanguage("en").doneHeading)
        }
    }

    @Test func supportedLanguages() {
        #expect(UnsubscribeStrings.supportedLanguages == Set(Self.allLanguages))
        #expect(UnsubscribeStrings.forLanguage("pt_BR").doneHeading == "Sua inscrição foi cancelada")
        #expect(UnsubscribeStrings.forLanguage("zz") == UnsubscribeStrings.forLanguage("en"))
    }

    @Test func languageCodes() {
        #expect(UnsubscribePage.languageCode(for: "pt_BR") == "pt")
        #expect(UnsubscribePage.languageCode(for: nil) == "en")
        #expect(UnsubscribePage.languageCode(for: "tr-TR") == "tr")
        #expect(UnsubscribePage.languageCode(for: "DE") == "de")
        #expect(UnsubscribePage.languageCode(for: "de_DE.UTF-8") == "de")
        #expect(UnsubscribePage.languageCode(for: "az") == "az")
        #expect(UnsubscribePage.languageCode(for: "xx") == "en")
        #expect(UnsubscribePage.languageCode(for: "") == "en")
        #expect(UnsubscribePage.languageCode(for: "  ") == "en")
    }
}
