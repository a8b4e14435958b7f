import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import MariaDB
import Messaging
import NIOCore
import Server
import TestSupport
import Testing

/// The SMS quota and early status callbacks through the service (the suite of ProviderFlowTests.swift).
extension ProviderFlowTests {
    @Test func thePlansMonthlySMSQuotaPausesAndAHigherLimitResumes() async throws {
        // The quota is per calendar month: the engine's clock runs from the middle of one, so
        // a new month (which resumes the campaign on its own) never starts during the test.
        let midMonth = ISO8601DateFormatter().date(from: "2027-05-14T12:00:00Z")!
        try await Self.withService("providers_quota", engineClock: RunningClock(from: midMonth)) { pool, client, fake, _ in
            @Sendable func limit(_ value: Int) async throws {
                let plan =
                    #"{"capabilities":{"sms_campaigns":"on","whatsapp_campaigns":"on","email_campaigns":"on"},"limits":{"twilio_sms_allowed_max_number":"\#(value)"}}"#
                try await pool.withConnection { db in try await db.execute("UPDATE wpa_bkntc_plans SET permissions = \(plan) WHERE id = 1") }
            }
            try await limit(3)
            let created = try await APIFixture.call(
                client, .post, "/api/v1/campaigns", tenant: 1, user: 10,
                body: #"{"channel":"sms","name":"Quota","segment":{"type":"all_customers"},"body":"Hi"}"#)
            let id = try #require(created.json?["id"]?.integerValue)
            _ = try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 10)
            let paused = try await Self.waitUntilDone(client, id: id)
            #expect(
                paused["status"]?.stringValue == "paused" && paused["sent"]?.integerValue == 3 && paused["pending"]?.integerValue == 3, "\(paused)")
            let campaign = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)", tenant: 1, user: 10)
            #expect(campaign.json?["status_reason"]?.stringValue == "quota_exhausted")
            #expect(fake.messages.count == 3)
            // A raised limit lets it continue on its own; nobody is sent twice.
            try await limit(100)
            var done: JSONValue = .null
            for _ in 0..<100 {
                done =
                    try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/progress?poll=\(UUID().uuidString)", tenant: 1, user: 10).json
                    ?? .null
                if done["status"]?.stringValue == "completed" { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(done["status"]?.stringValue == "completed" && done["sent"]?.integerValue == 6, "\(done)")
            #expect(fake.messages.count == 6 && Set(fake.messages.map(\.to)).count == 6)
        }
    }

    @Test func aStatusCallbackBeforeItsSidIsStoredIsAppliedWhenItIs() async throws {
        let pool = try await TestDatabase.create("providers_early_callback")
        try await TestDatabase.dropping(pool) {
            try await BookneticFixture.install(pool: pool, prefix: APIFixture.prefix)
            try await Migrator(pool: pool, prefix: APIFixture.prefix, logger: TestDatabase.logger).migrate()
            let clock = SystemClock()
            let events = MariaDBProviderEvents(pool: pool, prefix: APIFixture.prefix, clock: clock)
            // The callback comes first: nothing has this sid yet, so it is kept.
            #expect(try await events.applyStatus(sid: "SMearly", status: .undelivered, errorCode: "30005", tenants: [.tenant(1)]) == false)
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            try await pool.withConnection { db in
                try await db.execute(
                    """
                    INSERT INTO wpa_bkntc_campaign_logs (tenant_id, tenant_key, campaign_id, run, channel, address, status, claimed_by, claimed_at,
                      created_at, updated_at)
                    VALUES (1, 1, 1, 1, 'sms', '+447700900001', 'sending', 'w/1', \(now), \(now), \(now)),
                           (2, 2, 2, 1, 'sms', '+447700900001', 'sending', 'w/2', \(now), \(now), \(now))
                    """)
                let queue = MariaDBRecipientQueue(db: db, prefix: APIFixture.prefix)
                // Another tenant's row with the same sid (impossible at Twilio, but) is not touched.
                try await queue.record([.sent(id: 2, providerID: "SMearly")], claimToken: "w/2", now: now)
                try await queue.record([.sent(id: 1, providerID: "SMearly")], claimToken: "w/1", now: now)
                let rows = try await db.query("SELECT id, status, last_error FROM wpa_bkntc_campaign_logs ORDER BY id")
                #expect(try rows.map { try $0.decode("status", as: String.self) } == ["undelivered", "sent"])
                #expect(try rows[0].decode("last_error", as: String?.self) == "30005")
            }
        }
    }
}
