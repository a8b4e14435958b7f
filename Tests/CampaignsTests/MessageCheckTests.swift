import Foundation
import Testing

@testable import Campaigns

@Suite("Shortcode fallbacks and the whole audience's message check")
struct MessageCheckTests {
    let nameless = RecipientFields(firstName: nil, lastName: "Doe", phone: "+447700900001")
    let blank = RecipientFields(firstName: "  \t", lastName: nil, phone: "+447700900002")
    let ann = RecipientFields(firstName: "Ann", lastName: "Lee", phone: "+447700900003")

    @Test func aFallbackStandsInForAnEmptyValueOnly() {
        let template = "Hi {customer_first_name|there}!"
        #expect(MessageRenderer.render(template, for: nameless, channel: .sms) == "Hi there!")
        #expect(MessageRenderer.render(template, for: blank, channel: .sms) == "Hi there!")
        #expect(MessageRenderer.render(template, for: ann, channel: .sms) == "Hi Ann!")
        // Without a fallback, an empty value stays empty (the preview counts it as missing).
        #expect(MessageRenderer.render("Hi {customer_first_name}!", for: nameless, channel: .sms) == "Hi !")
        // An empty fallback is allowed and renders nothing.
        #expect(MessageRenderer.render("[{customer_first_name|}]", for: nameless, channel: .sms) == "[]")
    }

    @Test func aFallbackIsTemplateTextButAValueIsEscapedInHTML() {
        let hostile = RecipientFields(firstName: "<b>x</b>", email: "x@example.com")
        #expect(
            MessageRenderer.render("<p>{customer_first_name|<i>you</i>}</p>", for: hostile, channel: .email, html: true)
                == "<p>&lt;b&gt;x&lt;/b&gt;</p>")
        let none = RecipientFields(firstName: nil, email: "x@example.com")
        #expect(
            MessageRenderer.render("<p>{customer_first_name|<i>you</i>}</p>", for: none, channel: .email, html: true)
                == "<p><i>you</i></p>")
    }

    @Test func whatIsNotAFallbackStaysAsWritten() {
        // Unknown shortcodes keep their fallback text; a brace inside, a missing `}` or a
        // fallback longer than 100 characters is no placeholder at all.
        #expect(MessageRenderer.render("{booking_link|soon}", for: ann, channel: .sms) == "{booking_link|soon}")
        #expect(MessageRenderer.render("{customer_first_name|a{b}", for: ann, channel: .sms) == "{customer_first_name|a{b}")
        #expect(MessageRenderer.render("{customer_first_name|open", for: ann, channel: .sms) == "{customer_first_name|open")
        let long = String(repeating: "x", count: 101)
        #expect(MessageRenderer.render("{customer_first_name|\(long)}", for: nameless, channel: .sms) == "{customer_first_name|\(long)}")
        let longest = String(repeating: "x", count: 100)
        #expect(MessageRenderer.render("{customer_first_name|\(longest)}", for: nameless, channel: .sms) == longest)
        #expect(MessageRenderer.unknownShortcodes(in: "{booking_link|soon} {customer_first_name|you}") == ["{booking_link}"])
    }

    @Test func missingCountsEveryShortcodeUsedWithoutAFallbackAndNoOther() {
        let content = MessageContent(
            channel: .email, body: "Hi {customer_first_name|there} {customer_last_name}, {customer_email}", subject: "For {customer_first_name}")
        var check = MessageCheck(content: content)
        for fields in [nameless, blank, ann] { check.add(fields) }
        // The first name is used without a fallback in the subject; one last name is missing; the
        // email is empty for all three (these fields have none); the full name is not used.
        #expect(check.missing == ["customer_first_name": 2, "customer_last_name": 1, "customer_email": 3])
        #expect(check.segments == nil)
        #expect(check.recipients == 3)

        var none = MessageCheck(content: MessageContent(channel: .sms, body: "Hi {customer_first_name|there}"))
        none.add(nameless)
        #expect(none.missing.isEmpty)
    }

    @Test func segmentsAreCountedFromEachRecipientsOwnText() {
        // 150 GSM characters plus the name: one segment for "Ann", two for a UCS-2 name.
        let body = String(repeating: "a", count: 60) + " {customer_first_name}"
        var check = MessageCheck(content: MessageContent(channel: .sms, body: body))
        check.add(ann)
        check.add(RecipientFields(firstName: "Zoë", phone: "+447700900004"))  // ë is not GSM-7
        check.add(RecipientFields(firstName: "Çağla", phone: "+447700900005"))  // Ç is, ğ is not
        // 61 + 3 = 64 GSM septets → 1; 64 UCS-2 units → 1 (≤ 70); 66 units → 1.
        #expect(check.segments == SegmentTotals(total: 3, max: 1, ucs2Recipients: 2))

        var long = MessageCheck(content: MessageContent(channel: .sms, body: String(repeating: "a", count: 66) + "{customer_first_name}"))
        long.add(ann)  // 69 septets: one segment
        long.add(RecipientFields(firstName: "Zoë", phone: "+447700900004"))  // 69 units: one
        long.add(RecipientFields(firstName: "Zoë!!", phone: "+447700900004"))  // 71 units: 67 + 4 = two
        #expect(long.segments == SegmentTotals(total: 4, max: 2, ucs2Recipients: 2))
    }

    @Test func eachRecipientIsCheckedInTheVariantTheyGet() {
        // The German text is two segments with a last name, one without; the base text is one.
        let german = String(repeating: "a", count: 158) + " {customer_last_name}"
        let content = MessageContent(
            channel: .sms, body: "Hi {customer_first_name}", localized: LocalizedContent(bodies: ["de": german]))
        let members = AudienceMembers(recipients: [
            Recipient(customerID: 1, address: "+447700900001", firstName: "Ann", lastName: nil),
            Recipient(customerID: 2, address: "+447700900002", firstName: "Jan", lastName: "Berg", locale: "de"),
            Recipient(customerID: 3, address: "+447700900003", firstName: nil, lastName: nil, locale: "de"),
        ])
        let check = MessageCheck.run(content, members: members, window: nil, now: Date(timeIntervalSince1970: 0))
        #expect(check.segments == SegmentTotals(total: 1 + 2 + 1, max: 2, ucs2Recipients: 0))
        // Shortcodes of every variant are reported; each recipient counts in their own.
        #expect(check.missing == ["customer_first_name": 0, "customer_last_name": 1])
    }

    @Test func quietHoursHoldThoseOutsideTheirWindowUntilTheLastOpening() throws {
        // 2027-01-15 21:30 UTC: night in London, daytime in Los Angeles, morning in Tokyo.
        let now = try #require(ISO8601DateFormatter().date(from: "2027-01-15T21:30:00Z"))
        let london = try #require(TimeZone(identifier: "Europe/London"))
        let angeles = try #require(TimeZone(identifier: "America/Los_Angeles"))
        let tokyo = try #require(TimeZone(identifier: "Asia/Tokyo"))
        let recipients = (1...4).map { Recipient(customerID: $0, address: "+4477009000\($0)", firstName: "A", lastName: nil) }
        let members = AudienceMembers(recipients: recipients, zones: [2: angeles, 3: tokyo, 4: london], fallbackZone: london)
        let check = MessageCheck.run(MessageContent(channel: .sms, body: "Hi"), members: members, window: .standard, now: now)
        // 1 and 4 (21:30 in London) wait for 08:00 London time; 3 (06:30 the next morning in
        // Tokyo) for 08:00 Tokyo time, 23:00 UTC; 2 (13:30 in Los Angeles) goes now.
        #expect(check.held == 3)
        #expect(check.heldUntil == ISO8601DateFormatter().date(from: "2027-01-16T08:00:00Z"))
        // Email is never held, nor is anybody under a window that never holds.
        #expect(MessageCheck.run(MessageContent(channel: .email, body: "Hi"), members: members, window: .standard, now: now).held == 0)
        let always = try #require(QuietHours(start: 0, end: 1440))
        #expect(MessageCheck.run(MessageContent(channel: .sms, body: "Hi"), members: members, window: always, now: now).held == 0)
    }
}
