import Foundation
import Testing

@testable import Campaigns

/// DESIGN §15 as values: locale keys, the variant a recipient gets, the variant's content and
/// the button's URL with percent-encoded shortcode values.
@Suite("Localized content")
struct LocalizedContentTests {
    @Test func localeKeysAreNormalizedAndOthersRefused() {
        let cases: [(String, String?)] = [
            ("de", "de"), ("DE", "de"), ("pt-br", "pt_BR"), ("pt_BR", "pt_BR"), ("PT-br", "pt_BR"), ("es-419", "es_419"), (" de", nil),
            ("fil", "fil"), ("german", nil), ("d", nil), ("de_DE_formal", nil), ("de-", nil), ("", nil), ("de_D1", nil), ("ü", nil),
        ]
        for (text, expected) in cases {
            #expect(LocaleKey(parsing: text)?.rawValue == expected, "\(text)")
        }
        // Stored locales (WPLANG, Booknetic's appointments) keep their language and region only.
        #expect(LocaleKey(stored: "de_DE_formal")?.rawValue == "de_DE")
        #expect(LocaleKey(stored: "de_DE.UTF-8")?.rawValue == "de_DE")
        #expect(LocaleKey(stored: "")?.rawValue == nil)
    }

    @Test func theVariantIsTheExactLocaleThenTheLanguageThenTheBase() {
        let content = LocalizedContent(bodies: ["de": "Hallo", "pt_BR": "Olá", "en_GB": "Hello"])
        let cases: [(String?, String?)] = [
            ("de_DE", "de"), ("de_AT", "de"), ("de", "de"), ("pt_BR", "pt_BR"), ("pt_PT", nil), ("pt", nil), ("en_GB", "en_GB"),
            ("en_US", nil), ("fr_FR", nil), (nil, nil),
        ]
        for (locale, expected) in cases {
            #expect(content.variant(for: locale.flatMap(LocaleKey.init(parsing:)))?.rawValue == expected, "\(String(describing: locale))")
            let choice = LocaleChoice(content: content, fallback: locale.flatMap(LocaleKey.init(parsing:)), readsAppointments: false)
            #expect(choice.fallbackVariant == expected, "the snapshot's fallback agrees for \(String(describing: locale))")
        }
    }

    @Test func aVariantReplacesOnlyTheTranslatedParts() {
        let localized = LocalizedContent(
            subjects: ["de": "Hallo {customer_first_name}"], bodies: ["pt_BR": "Olá"], actionLabels: ["de": "Jetzt buchen"],
            action: CallToAction(label: "Book", url: "https://e.com/?n={customer_first_name}"))
        let content = MessageContent(channel: .email, body: "Hello", subject: "Hi", localized: localized)
        let german = content.variant("de")
        #expect(german.subject == "Hallo {customer_first_name}" && german.body == "Hello" && german.localized.action?.label == "Jetzt buchen")
        let brazilian = content.variant("pt_BR")
        #expect(brazilian.subject == "Hi" && brazilian.body == "Olá" && brazilian.localized.action?.label == "Book")
        #expect(content.variant(nil) == content && content.variant("fr") == content)
        let message = german.personalized(for: RecipientFields(firstName: "Jörg Peter", lastName: nil, phone: nil, email: "j@e.com"))
        #expect(message.subject == "Hallo Jörg Peter")
        #expect(message.action == CallToAction(label: "Jetzt buchen", url: "https://e.com/?n=J%C3%B6rg%20Peter"))
    }

    @Test func shortcodeValuesInTheButtonsURLArePercentEncoded() {
        let recipient = RecipientFields(firstName: "A&B =x/?#", lastName: "O'Neil", phone: nil, email: "a+b@example.com")
        let url = MessageRenderer.renderURL(
            "https://e.com/b/{customer_last_name}?e={customer_email}&n={customer_first_name}&x={missing|a b}", for: recipient, channel: .email)
        #expect(url == "https://e.com/b/O%27Neil?e=a%2Bb%40example.com&n=A%26B%20%3Dx%2F%3F%23&x={missing|a b}")
        let empty = RecipientFields(firstName: nil, lastName: nil, phone: nil, email: "x@e.com")
        #expect(
            MessageRenderer.renderURL("https://e.com/?n={customer_first_name|dear friend}", for: empty, channel: .email)
                == "https://e.com/?n=dear%20friend")
        for good in ["https://example.com", "HTTP://example.com/x?y={customer_email}", "https://e.com:8443/a#b"] {
            #expect(MessageRenderer.isActionURL(good), "\(good)")
        }
        for bad in [
            "javascript:alert(1)", "ftp://e.com", "https://", "https:///x", "https://e.com/a b", "https://e.com/\"", "//e.com", "mailto:a@e.com",
        ] {
            #expect(!MessageRenderer.isActionURL(bad), "\(bad)")
        }
    }
}
