import Campaigns
import Engine
import Foundation
import Testing

/// How the engine tracks a rendered message's links (DESIGN §18), as values: one code per
/// distinct URL, the service's own links never, and a message rendered again with its stored
/// codes is the text that went out (crash recovery looks a Twilio message up by its body).
@Suite("Link tracking (values)")
struct LinkTrackingTests {
    static let base = "https://bk.example"

    static func message(_ channel: Channel, _ body: String, html: Bool = false) -> OutgoingMessage {
        OutgoingMessage(
            logID: 7, campaignID: 3, scope: .tenant(1), channel: channel, to: "+447700900001", subject: nil, body: body,
            claimedAt: Date(timeIntervalSince1970: 1_800_000_000), isHTML: html)
    }

    @Test func oneCodePerDistinctURLAndTheSameTextAgainFromStoredCodes() {
        let body = "Book https://salon.example/a or https://salon.example/a, not \(Self.base)/unsubscribe/x nor \(Self.base)/r/ABCDEFGHIJ"
        var minted: [TrackedLink] = []
        let first = SendingEngine.tracked(Self.message(.sms, body), base: Self.base, known: [:]) { minted.append($0) }
        #expect(minted.count == 1 && minted[0].url == "https://salon.example/a")
        let short = "\(Self.base)/r/\(minted[0].code)"
        #expect(first.body == "Book \(short) or \(short), not \(Self.base)/unsubscribe/x nor \(Self.base)/r/ABCDEFGHIJ")
        #expect(first.links == minted)
        let again = SendingEngine.tracked(
            Self.message(.sms, body), base: Self.base, known: ["https://salon.example/a": minted[0].code], minted: nil)
        #expect(again.body == first.body)
        let unknown = SendingEngine.tracked(Self.message(.sms, body), base: Self.base, known: [:], minted: nil)
        #expect(unknown.body == body, "without stored codes a lookup renders the original")
    }

    @Test func emailsRewriteHTMLHrefsOnlyAndLeavePlainTextAsWritten() {
        var minted: [TrackedLink] = []
        let html = SendingEngine.tracked(
            Self.message(.email, #"<p><a href="https://salon.example/b">b</a> https://salon.example/c</p>"#, html: true), base: Self.base,
            known: [:]
        ) { minted.append($0) }
        #expect(minted.map(\.url) == ["https://salon.example/b"])
        #expect(html.body == #"<p><a href="\#(Self.base)/r/\#(minted[0].code)">b</a> https://salon.example/c</p>"#)
        let plain = SendingEngine.tracked(Self.message(.email, "See https://salon.example/d"), base: Self.base, known: [:]) { _ in
            Issue.record("a plain-text email has no href to track")
        }
        #expect(plain.body == "See https://salon.example/d")
    }

    /// The §15 button is an `href` of the HTML part (DESIGN §18: "the §15 button included"), in a
    /// plain-text email too; the same URL in the body and the button gets one code.
    @Test func theEmailButtonIsTrackedWithTheBodysCodes() {
        var minted: [TrackedLink] = []
        var message = Self.message(.email, #"<p><a href="https://salon.example/book">Book</a></p>"#, html: true)
        message.action = CallToAction(label: "Book now", url: "https://salon.example/book")
        let tracked = SendingEngine.tracked(message, base: Self.base, known: [:]) { minted.append($0) }
        #expect(minted.map(\.url) == ["https://salon.example/book"])
        #expect(tracked.action == CallToAction(label: "Book now", url: "\(Self.base)/r/\(minted[0].code)"))
        var plain = Self.message(.email, "See you")
        plain.action = CallToAction(label: "Book", url: "https://salon.example/x?e=a%40b.example")
        var plainMinted: [TrackedLink] = []
        let trackedPlain = SendingEngine.tracked(plain, base: Self.base, known: [:]) { plainMinted.append($0) }
        #expect(plainMinted.map(\.url) == ["https://salon.example/x?e=a%40b.example"])
        #expect(trackedPlain.action?.url == "\(Self.base)/r/\(plainMinted[0].code)" && trackedPlain.body == "See you")
        var hostile = Self.message(.email, "Hi")
        hostile.action = CallToAction(label: "x", url: "\(Self.base)/unsubscribe/abc")
        #expect(SendingEngine.tracked(hostile, base: Self.base, known: [:]) { _ in }.action?.url == "\(Self.base)/unsubscribe/abc")
    }
}
