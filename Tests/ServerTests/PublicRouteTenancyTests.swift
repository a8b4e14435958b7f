import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import MariaDB
import Messaging
import NIOCore
import Server
import TestSupport
import Testing

/// The public endpoints cannot reach another tenant (issue: reliability, security): Twilio
/// webhooks signed with tenant 5's own account cannot change tenant 1's log rows, pending
/// callbacks or suppressions, even when they name tenant 1's message sids, sender number or
/// customers; an unsubscribe link minted for tenant 5 suppresses only in tenant 5, and a link
/// whose tenant was edited is refused. No answer carries another tenant's addresses.
@Suite("Public routes stay within their tenant", .serialized)
struct PublicRouteTenancyTests {
    static let one = TwoTenantFixture.one
    static let five = TwoTenantFixture.five

    /// Sends an SMS campaign in `tenant` and marks its rows sent with sids `SM<tenant>x<row id>`,
    /// at the service's time (its SystemClock; never the database server's own clock).
    static func sentCampaign(_ client: any TestClientProtocol, _ pool: MariaDBPool, tenant: Int, user: Int) async throws -> [String] {
        let body = #"{"channel":"sms","name":"Sent in \#(tenant)","segment":{"type":"all_customers"},"body":"Hi"}"#
        let id = try #require(
            try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: tenant, user: user, body: body).json?["id"]?.integerValue)
        #expect(try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: tenant, user: user).status == 200)
        return try await pool.withConnection { db in
            try await db.execute(
                """
                UPDATE wpa_bkntc_campaign_logs SET status = 'sent', attempts = 1, sent_at = \(SystemClock().now()),
                  provider_message_id = CONCAT('SM', \(tenant), 'x', id)
                WHERE campaign_id = \(id)
                """)
            return try await db.query("SELECT provider_message_id FROM wpa_bkntc_campaign_logs WHERE campaign_id = \(id) ORDER BY id")
                .map { try $0.decode("provider_message_id", as: String.self) }
        }
    }

    static func expectTwiML(_ answer: (status: Int, body: String, retryAfter: String?), _ context: String) {
        #expect(answer.status == 200 && answer.body == "<Response></Response>", "\(context): \(answer)")
    }

    @Test func twilioWebhooksOfOneTenantCannotTouchAnother() async throws {
        try await TwoTenantFixture.live("public_twilio") { pool, client in
            let theirs = try await Self.sentCampaign(client, pool, tenant: 1, user: 10)
            _ = try await Self.sentCampaign(client, pool, tenant: TwoTenantFixture.otherTenant, user: TwoTenantFixture.otherOwner)
            // Tenant 1 has a STOP suppression of its own, from its own account.
            let stop = [
                FormField("AccountSid", Self.one.sid), FormField("From", "+447700910002"), FormField("To", Self.one.sender),
                FormField("Body", "STOP"),
            ]
            Self.expectTwiML(try await TwoTenantFixture.webhook(client, "/webhooks/twilio/inbound", stop, token: Self.one.token), "tenant 1's STOP")
            let before = try await TwoTenantFixture.snapshot(pool, tenant: 1)
            #expect(before["campaign_suppressions"]?.count == 1)

            // Tenant 5's account names tenant 1's sids: nothing of tenant 1 changes.
            for sid in theirs.prefix(3) {
                for status in ["delivered", "undelivered", "failed"] {
                    let fields = [
                        FormField("AccountSid", Self.five.sid), FormField("MessageSid", sid), FormField("MessageStatus", status),
                        FormField("ErrorCode", "30003"),
                    ]
                    Self.expectTwiML(
                        try await TwoTenantFixture.webhook(client, "/webhooks/twilio/status", fields, token: Self.five.token), "status \(sid)")
                }
            }
            // Tenant 5's token cannot pass for tenant 1's account.
            let borrowed = [FormField("AccountSid", Self.one.sid), FormField("MessageSid", theirs[0]), FormField("MessageStatus", "undelivered")]
            #expect(try await TwoTenantFixture.webhook(client, "/webhooks/twilio/status", borrowed, token: Self.five.token).status == 403)
            // STOP and START through tenant 5's account, to tenant 1's number and customers.
            for (body, from) in [("STOP", "+447700910001"), ("START", "+447700910002"), ("UNSTOP", "+447700910002")] {
                for to in [Self.one.sender, "whatsapp:" + Self.one.sender] {
                    let fields = [FormField("AccountSid", Self.five.sid), FormField("From", from), FormField("To", to), FormField("Body", body)]
                    Self.expectTwiML(
                        try await TwoTenantFixture.webhook(client, "/webhooks/twilio/inbound", fields, token: Self.five.token), "\(body) to \(to)")
                }
            }
            // A STOP to tenant 5's own number suppresses in tenant 5 only, even for tenant 1's customer.
            let own = [
                FormField("AccountSid", Self.five.sid), FormField("From", "+447700910003"), FormField("To", Self.five.sender),
                FormField("Body", "stop"),
            ]
            Self.expectTwiML(try await TwoTenantFixture.webhook(client, "/webhooks/twilio/inbound", own, token: Self.five.token), "tenant 5's STOP")
            let fives = try await APIFixture.call(
                client, .get, "/api/v1/suppressions?channel=sms", tenant: TwoTenantFixture.otherTenant, user: TwoTenantFixture.otherOwner)
            #expect(fives.json?["items"]?.arrayValue?.compactMap { $0["address"]?.stringValue } == ["+447700910003"])
            #expect(try await TwoTenantFixture.snapshot(pool, tenant: 1) == before, "tenant 1's rows changed")
            let pending = try await pool.withConnection { db in
                try await db.query("SELECT tenant_keys FROM wpa_bkntc_campaign_callbacks").map { try $0.decode("tenant_keys", as: String.self) }
            }
            #expect(pending.allSatisfy { $0.split(separator: ",").contains("1") == false }, "a callback kept for tenant 1: \(pending)")
        }
    }

    @Test func aPendingCallbackIsRestatedOnlyByItsOwnAccount() async throws {
        try await TwoTenantFixture.live("public_pending") { pool, client in
            // Tenant 1's genuine callback arrives before its sid is stored: it is kept for later.
            let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let genuine = [FormField("AccountSid", Self.one.sid), FormField("MessageSid", sid), FormField("MessageStatus", "delivered")]
            Self.expectTwiML(try await TwoTenantFixture.webhook(client, "/webhooks/twilio/status", genuine, token: Self.one.token), "genuine")
            // Tenant 5's account restates the same sid.
            let other = [
                FormField("AccountSid", Self.five.sid), FormField("MessageSid", sid), FormField("MessageStatus", "undelivered"),
                FormField("ErrorCode", "30007"),
            ]
            Self.expectTwiML(try await TwoTenantFixture.webhook(client, "/webhooks/twilio/status", other, token: Self.five.token), "other")
            let kept = try await pool.withConnection { db in
                try await db.queryFirst("SELECT status, error_code, tenant_keys FROM wpa_bkntc_campaign_callbacks WHERE message_sid = \(sid)")
            }
            #expect(try kept?.decode("status", as: String.self) == "delivered")
            #expect(try kept?.decode("error_code", as: String?.self) == nil)
            #expect(try kept?.decode("tenant_keys", as: String.self) == "1")
            // Tenant 1's own account may still restate it.
            let failed = [
                FormField("AccountSid", Self.one.sid), FormField("MessageSid", sid), FormField("MessageStatus", "undelivered"),
                FormField("ErrorCode", "30005"),
            ]
            Self.expectTwiML(try await TwoTenantFixture.webhook(client, "/webhooks/twilio/status", failed, token: Self.one.token), "restated")
            let restated = try await pool.withConnection { db in
                try await db.queryFirst("SELECT status, error_code FROM wpa_bkntc_campaign_callbacks WHERE message_sid = \(sid)")
            }
            #expect(try restated?.decode("status", as: String.self) == "undelivered" && restated?.decode("error_code", as: String?.self) == "30005")
        }
    }

    @Test func unsubscribeLinksSuppressOnlyInTheirOwnTenant() async throws {
        try await TwoTenantFixture.live("public_unsubscribe") { pool, client in
            let before = try await TwoTenantFixture.snapshot(pool, tenant: 1)
            // A link of tenant 5 for an address that is also tenant 1's customer.
            let address = "c1.t1@example.com"
            let token = UnsubscribeToken(scope: .tenant(TwoTenantFixture.otherTenant), channel: .email, address: address, campaignID: nil)
                .encoded(secret: APIFixture.secret)
            for method in [HTTPRequest.Method.get, .post] {
                let (status, page) = try await client.execute(uri: "/unsubscribe/\(token)", method: method) {
                    (Int($0.status.code), String(buffer: $0.body))
                }
                #expect(status == 200)
                #expect(page.contains(address) && !page.contains("c2.t1@example.com") && !page.contains("Cus1"), "\(page)")
            }
            let fives = try await APIFixture.call(
                client, .get, "/api/v1/suppressions?channel=email", tenant: TwoTenantFixture.otherTenant, user: TwoTenantFixture.otherOwner)
            #expect(fives.json?["items"]?.arrayValue?.compactMap { $0["address"]?.stringValue } == [address])
            // The same link with its tenant edited to 1 (the MAC kept), or signed with another key.
            let parts = token.split(separator: ".").map(String.init)
            let payload = try #require(Base64URL.decode(parts[0]).flatMap { String(data: $0, encoding: .utf8) })
            let edited = Base64URL.encode(Data(payload.replacingOccurrences(of: "\"tenant\":5", with: "\"tenant\":1").utf8))
            #expect(edited != parts[0])
            let forged = UnsubscribeToken(scope: .tenant(1), channel: .email, address: address, campaignID: nil).encoded(
                secret: "another-secret-0123456789")
            for bad in [edited + "." + parts[1], forged] {
                let status = try await client.execute(uri: "/unsubscribe/\(bad)", method: .post) { Int($0.status.code) }
                #expect(status == 400)
            }
            #expect(try await TwoTenantFixture.snapshot(pool, tenant: 1) == before, "tenant 1's rows changed")
        }
    }
}
