import CampaignStore
import Campaigns
import Foundation
import HummingbirdTesting
import MariaDB
import Server
import TestSupport
import Testing

/// What the owner sees before pressing Send (DESIGN §21): previews with a message count who
/// would read an empty shortcode and what the SMS cost over the whole audience, not the sample;
/// say how many quiet hours hold and until when; and render the first messages exactly as
/// recipients get them. The run that found "Hi ," in 61 of 1,211 emails saw 3 people in preview.
@Suite("Previews check the whole audience", .serialized)
struct PreviewCheckTests {
    /// 75 GSM characters around the name: one segment for a GSM name, two for a UCS-2 one.
    static let smsBody = "Hello {customer_first_name}, we have a new slot for you this week. Reply STOP to opt out."

    static func withCustomers(_ label: String, _ body: (MariaDBPool, AppDependencies) async throws -> Void) async throws {
        let (pool, deps) = try await APIFixture.make(label)
        defer { Task { await TestDatabase.drop(pool) } }
        try await pool.withConnection { db in
            // Tenant 1 has six customers Cus1…Cus6; three more: a UCS-2 name, none, only spaces.
            try await db.execute(
                """
                INSERT INTO wpa_bkntc_customers (first_name, last_name, phone_number, email, tenant_id) VALUES
                  ('Zoë', 'Ng', '+44 7700 900801', 'zoe@example.com', 1), (NULL, 'Nameless', '+44 7700 900802', 'none@example.com', 1),
                  ('   ', 'Blank', '+44 7700 900803', 'blank@example.com', 1)
                """)
        }
        var live = deps
        live.publicURL = "https://campaigns.example.com"
        try await body(pool, live)
    }

    @Test func missingNamesAndSegmentsCountTheWholeAudience() async throws {
        try await Self.withCustomers("preview_sms") { _, deps in
            try await APIFixture.withServer(deps) { client in
                // No quiet hours in play here: a window that never holds.
                let put = try await APIFixture.call(
                    client, .put, "/api/v1/settings", tenant: 1, user: 10,
                    body: #"{"channel":"sms","quiet_hours":{"start":"00:00","end":"24:00"}}"#)
                #expect(put.status == 200, "\(put)")
                let request = ["channel": "sms", "segment": ["type": "all_customers"], "body": Self.smsBody, "sample_size": 2] as [String: Any]
                let answer = try await APIFixture.call(
                    client, .post, "/api/v1/segments/preview", tenant: 1, user: 10,
                    body: String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self))
                #expect(answer.status == 200, "\(answer)")
                let json = try #require(answer.json)
                #expect(json["count"]?.integerValue == 9)
                #expect(json["sample"]?.arrayValue?.count == 2, "the sample stays small")
                #expect(json["missing"] == .object(["customer_first_name": .number(2)]), "\(json)")
                // Eight GSM texts of one segment each, Zoë's UCS-2 text in two.
                #expect(json["segments"]?["total"]?.integerValue == 10, "\(json)")
                #expect(json["segments"]?["max"]?.integerValue == 2)
                #expect(json["segments"]?["ucs2_recipients"]?.integerValue == 1)
                #expect(json["quiet_hours"]?["held"]?.integerValue == 0)
                #expect(json["quiet_hours"]?["until"] == .null)
                #expect(json["quota"] == nil, "the Pro plan has no SMS limit")
                let first = try #require(json["messages"]?.arrayValue?.first)
                #expect(first["body"]?.stringValue == Self.smsBody.replacingOccurrences(of: "{customer_first_name}", with: "Cus1"))
                #expect(first["segments"]?.integerValue == 1)
                #expect(first["encoding"]?.stringValue == "GSM-7")

                // With a fallback the first name is no longer missing: only the shortcodes used
                // without one are counted (0 included).
                let fallback = try await APIFixture.call(
                    client, .post, "/api/v1/segments/preview?fallback", tenant: 1, user: 10,
                    body: #"{"channel":"sms","segment":{"type":"all_customers"},"body":"Hi {customer_first_name|there}, {customer_last_name}"}"#)
                #expect(fallback.json?["missing"] == .object(["customer_last_name": .number(0)]), "\(fallback)")
                // Without a body, the preview is as before: no check, no messages.
                let plain = try await APIFixture.call(
                    client, .post, "/api/v1/segments/preview?plain", tenant: 1, user: 10,
                    body: #"{"channel":"sms","segment":{"type":"all_customers"}}"#)
                #expect(plain.json?["missing"] == nil && plain.json?["messages"] == nil, "\(plain)")
            }
        }
    }

    @Test func thePlansSMSQuotaLeftIsShownWhereThereIsOne() async throws {
        try await Self.withCustomers("preview_quota") { pool, deps in
            let plan =
                #"{"capabilities":{"sms_campaigns":"on","whatsapp_campaigns":"on","email_campaigns":"on"},"limits":{"twilio_sms_allowed_max_number":"100"}}"#
            try await pool.withConnection { db in try await db.execute("UPDATE wpa_bkntc_plans SET permissions = \(plan) WHERE id = 1") }
            try await APIFixture.withServer(deps) { client in
                let answer = try await APIFixture.call(
                    client, .post, "/api/v1/segments/preview", tenant: 1, user: 10,
                    body: #"{"channel":"sms","segment":{"type":"all_customers"},"body":"Hi"}"#)
                #expect(answer.json?["quota"] == .object(["limit": .number(100), "used": .number(0), "left": .number(100)]), "\(answer)")
                let whatsapp = try await APIFixture.call(
                    client, .post, "/api/v1/segments/preview?whatsapp", tenant: 1, user: 10,
                    body: #"{"channel":"whatsapp","segment":{"type":"all_customers"},"body":"Hi"}"#)
                #expect(whatsapp.json?["quota"] == nil, "the plan's quota counts SMS only: \(whatsapp)")
            }
        }
    }

    @Test func quietHoursSayHowManyWaitAndUntilWhen() async throws {
        try await Self.withCustomers("preview_quiet") { _, deps in
            try await APIFixture.withServer(deps) { client in
                // A one-hour window two hours from now, in UTC: nobody may be messaged now.
                var utc = Calendar(identifier: .gregorian)
                utc.timeZone = TimeZone(identifier: "UTC")!
                let now = deps.clock.now()
                let hour = utc.component(.hour, from: now)
                let start = (hour + 2) % 24
                let window = String(format: #"{"start":"%02d:00","end":"%02d:00"}"#, start, (start + 1) % 24)
                let put = try await APIFixture.call(
                    client, .put, "/api/v1/settings", tenant: 1, user: 10, body: #"{"channel":"sms","timezone":"UTC","quiet_hours":\#(window)}"#)
                #expect(put.status == 200, "\(put)")
                let answer = try await APIFixture.call(
                    client, .post, "/api/v1/segments/preview", tenant: 1, user: 10,
                    body: #"{"channel":"sms","segment":{"type":"all_customers"},"body":"Hi"}"#)
                #expect(answer.json?["quiet_hours"]?["held"]?.integerValue == 9, "\(answer)")
                let opening = try #require(utc.nextDate(after: now, matching: DateComponents(hour: start, minute: 0), matchingPolicy: .strict))
                #expect(answer.json?["quiet_hours"]?["until"]?.stringValue == opening.formatted(.iso8601), "\(answer)")
                // Email is never held: no quiet hours in its answer.
                let email = try await APIFixture.call(
                    client, .post, "/api/v1/segments/preview?email", tenant: 1, user: 10,
                    body: #"{"channel":"email","segment":{"type":"all_customers"},"body":"Hi","subject":"S"}"#)
                #expect(email.json?["quiet_hours"] == nil && email.json?["segments"] == nil, "\(email)")
            }
        }
    }

    @Test func emailPreviewsAreTheMessageWithItsFooterAndSavedCampaignsCheckTheSame() async throws {
        try await Self.withCustomers("preview_email") { _, deps in
            try await APIFixture.withServer(deps) { client in
                let draft =
                    #"{"channel":"email","name":"Spring","segment":{"type":"all_customers"},"subject":"For {customer_first_name}","body":"<p>Hi {customer_first_name|friend} &amp; welcome</p>"}"#
                let preview = try await APIFixture.call(
                    client, .post, "/api/v1/segments/preview", tenant: 1, user: 10,
                    body:
                        #"{"channel":"email","segment":{"type":"all_customers"},"subject":"For {customer_first_name}","body":"<p>Hi {customer_first_name|friend} &amp; welcome</p>"}"#
                )
                let first = try #require(preview.json?["messages"]?.arrayValue?.first, "\(preview)")
                #expect(first["subject"]?.stringValue == "For Cus1")
                let html = try #require(first["html"]?.stringValue)
                #expect(html.contains("<p>Hi Cus1 &amp; welcome</p>") && html.hasPrefix("<!DOCTYPE html>"), "\(html)")
                #expect(html.contains("https://campaigns.example.com/unsubscribe/"), "the footer link: \(html)")
                let text = try #require(first["text"]?.stringValue)
                #expect(text.hasPrefix("Hi Cus1 & welcome") && text.contains("https://campaigns.example.com/unsubscribe/"), "\(text)")
                // The subject uses the first name without a fallback: the two without one count.
                #expect(preview.json?["missing"] == .object(["customer_first_name": .number(2)]), "\(preview)")

                let created = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: 1, user: 10, body: draft)
                let id = try #require(created.json?["id"]?.integerValue, "\(created)")
                let saved = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/preview-messages", tenant: 1, user: 10)
                #expect(saved.json?["missing"] == preview.json?["missing"], "\(saved)")
                let nameless = try #require(saved.json?["items"]?.arrayValue?.first { $0["address"]?.stringValue == "none@example.com" })
                #expect(nameless["html"]?.stringValue?.contains("<p>Hi friend &amp; welcome</p>") == true, "\(nameless)")
            }
        }
    }
}
