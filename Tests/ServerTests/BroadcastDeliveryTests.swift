import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import MariaDB
import TestSupport
import Testing

/// Broadcasts (DESIGN §14) delivered through the running service: the engine sends each channel's
/// campaign through the Twilio-compatible fake and the real SMTP server, and what those received
/// (matched by address, not only log rows) shows who got which channel. `first` (sms then email):
/// everyone reachable gets exactly one message, those without a valid phone or suppressed on SMS
/// get the email; `all`: everyone gets every channel they are reachable on.
@Suite("Broadcast deliveries through the service", .serialized)
struct BroadcastDeliveryTests {
    /// One test customer: a phone as typed in Booknetic (nil: none), an email local part (nil:
    /// "not an address"), and whether the phone or the email is suppressed.
    struct Person {
        var name: String
        var phone: String?
        var email: String?
        var smsSuppressed = false
        var emailSuppressed = false

        /// The E.164 form the fake receives.
        var e164: String? { phone.map { "+" + $0.filter(\.isNumber) } }
        /// Reachable on SMS: a valid phone not suppressed on SMS.
        var sms: Bool { phone != nil && !smsSuppressed }
        /// Reachable on email: a valid address not suppressed on email.
        var mail: Bool { email != nil && !emailSuppressed }
    }

    /// Both channels, no phone, an invalid phone, SMS-suppressed, no valid email, email-suppressed,
    /// and a second one with both.
    static let people: [Person] = [
        Person(name: "Both", phone: "44 7700 955001", email: "both"),
        Person(name: "Nophone", phone: nil, email: "nophone"),
        Person(name: "Badphone", phone: nil, email: "badphone"),
        Person(name: "Stopped", phone: "44 7700 955004", email: "stopped", smsSuppressed: true),
        Person(name: "Nomail", phone: "44 7700 955005", email: nil),
        Person(name: "Unsubscribed", phone: "44 7700 955006", email: "unsub", emailSuppressed: true),
        Person(name: "Twice", phone: "44 7700 955007", email: "twice"),
    ]

    /// The category only this suite's customers are in, so the fixture's six stay out.
    static let category = 88

    static func address(_ person: Person, run: String) -> String? { person.email.map { "\($0)-\(run)@example.com" } }

    /// Adds `people` to tenant 1 in `category` (run-unique emails: the SMTP server keeps every
    /// run's mail) and suppresses who should be; "Badphone" gets a number too short to be one.
    static func addPeople(_ pool: MariaDBPool, _ client: any TestClientProtocol, run: String) async throws {
        try await pool.withConnection { db in
            for person in people {
                let phone = person.phone.map { "+" + $0 } ?? (person.name == "Badphone" ? "123" : "")
                try await db.execute(
                    """
                    INSERT INTO wpa_bkntc_customers (first_name, last_name, phone_number, email, category_id, tenant_id)
                    VALUES (\(person.name), 'Test', \(phone), \(address(person, run: run) ?? "not an address"), \(category), 1)
                    """)
            }
        }
        for person in people where person.smsSuppressed || person.emailSuppressed {
            let (channel, value) = person.smsSuppressed ? ("sms", person.e164 ?? "") : ("email", address(person, run: run) ?? "")
            let answer = try await APIFixture.call(
                client, .post, "/api/v1/suppressions", tenant: 1, user: 10, body: #"{"channel":"\#(channel)","address":"\#(value)"}"#)
            #expect(answer.status == 201, "\(String(describing: answer.json))")
        }
    }

    /// Creates and sends a broadcast over `people`, waits until every channel completed, and
    /// answers the broadcast's final progress.
    static func sendBroadcast(_ client: any TestClientProtocol, mode: String, run: String) async throws -> JSONValue {
        let body =
            #"{"name":"Deliver \#(mode)","channels":["sms","email"],"mode":"\#(mode)","segment":{"type":"all_customers"},"#
            + #""filters":{"category_ids":[\#(category)]},"content":{"sms":{"body":"Hi {customer_first_name} \#(run) sms"},"#
            + #""email":{"subject":"News \#(run)","body":"<p>Hello {customer_first_name}</p>"}}}"#
        let created = try await APIFixture.call(client, .post, "/api/v1/broadcasts", tenant: 1, user: 10, body: body)
        #expect(created.status == 201, "\(String(describing: created.json))")
        let id = try #require(created.json?["id"]?.integerValue)
        let sent = try await APIFixture.call(client, .post, "/api/v1/broadcasts/\(id)/send", tenant: 1, user: 10)
        #expect(sent.status == 200, "\(String(describing: sent.json))")
        for campaign in BroadcastLiveTests.campaignIDs(created.json).values {
            let done = try await ProviderFlowTests.waitUntilDone(client, id: campaign)
            #expect(done["status"]?.stringValue == "completed", "\(done)")
        }
        let progress = try await APIFixture.call(client, .get, "/api/v1/broadcasts/\(id)/progress", tenant: 1, user: 10)
        return try #require(progress.json)
    }

    /// Who received what: names of the people the fake got an SMS for and the SMTP server an
    /// email for, each with how many times.
    static func received(fake: FakeTwilio, smtp: SMTPSenderTestsServer, run: String) throws -> (sms: [String: Int], email: [String: Int]) {
        var sms: [String: Int] = [:]
        var email: [String: Int] = [:]
        for message in fake.messages where !message.to.hasPrefix("whatsapp:") {
            let person = people.first { $0.e164 == message.to }
            sms[person?.name ?? message.to, default: 0] += 1
            #expect(message.body == "Hi \(person?.name ?? "?") \(run) sms", "\(String(describing: message.body))")
        }
        for person in people {
            guard let address = address(person, run: run) else { continue }
            let messages = try smtp.received(for: address)
            if !messages.isEmpty { email[person.name] = messages.count }
            #expect(messages.allSatisfy { $0.raw.contains("Subject: News \(run)\r\n") })
        }
        return (sms, email)
    }

    /// The suppression check happens per channel, so a suppressed number never reaches the fake.
    static func expectNothingTo(_ fake: FakeTwilio) {
        let blocked = Set(people.filter(\.smsSuppressed).compactMap(\.e164))
        #expect(fake.messages.allSatisfy { !blocked.contains($0.to) })
    }

    @Test func firstModeSendsTheEmailOnlyToThoseWithoutAReachablePhoneAndNobodyGetsBoth() async throws {
        try await ProviderFlowTests.withService("broadcast_deliver_first") { pool, client, fake, smtp in
            let run = String(UUID().uuidString.prefix(8).lowercased())
            try await Self.addPeople(pool, client, run: run)
            let progress = try await Self.sendBroadcast(client, mode: "first", run: run)

            let got = try Self.received(fake: fake, smtp: smtp, run: run)
            // SMS first: everyone with a valid phone that is not suppressed on SMS, once.
            #expect(got.sms == ["Both": 1, "Nomail": 1, "Unsubscribed": 1, "Twice": 1], "\(got.sms)")
            // The email only to those without: no phone, an invalid one, or STOPped on SMS.
            #expect(got.email == ["Nophone": 1, "Badphone": 1, "Stopped": 1], "\(got.email)")
            #expect(Set(got.sms.keys).isDisjoint(with: got.email.keys), "nobody gets both")
            Self.expectNothingTo(fake)
            #expect(progress["status"]?.stringValue == "completed" && progress["sent"]?.integerValue == 7, "\(progress)")
            #expect(progress["channels"]?["sms"]?["sent"]?.integerValue == 4 && progress["channels"]?["email"]?["sent"]?.integerValue == 3)
        }
    }

    @Test func allModeSendsEveryReachableChannelAndOnlyThose() async throws {
        try await ProviderFlowTests.withService("broadcast_deliver_all") { pool, client, fake, smtp in
            let run = String(UUID().uuidString.prefix(8).lowercased())
            try await Self.addPeople(pool, client, run: run)
            let progress = try await Self.sendBroadcast(client, mode: "all", run: run)

            let got = try Self.received(fake: fake, smtp: smtp, run: run)
            let bySMS = Dictionary(uniqueKeysWithValues: Self.people.filter(\.sms).map { ($0.name, 1) })
            let byEmail = Dictionary(uniqueKeysWithValues: Self.people.filter(\.mail).map { ($0.name, 1) })
            #expect(got.sms == bySMS, "\(got.sms)")
            #expect(got.email == byEmail, "\(got.email)")
            // Reachable on both: both; the rest only on their reachable channel.
            #expect(Set(got.sms.keys).intersection(got.email.keys) == ["Both", "Twice"])
            #expect(Set(got.sms.keys).subtracting(got.email.keys) == ["Nomail", "Unsubscribed"])
            #expect(Set(got.email.keys).subtracting(got.sms.keys) == ["Nophone", "Badphone", "Stopped"])
            Self.expectNothingTo(fake)
            // The suppressed and the unreachable are skipped on their channel, not sent.
            #expect(progress["channels"]?["sms"]?["sent"]?.integerValue == 4, "\(progress)")
            #expect(progress["channels"]?["email"]?["sent"]?.integerValue == 5, "\(progress)")
        }
    }
}
