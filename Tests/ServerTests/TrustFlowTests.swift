import CampaignStore
import Campaigns
import Foundation
import HummingbirdTesting
import Logging
import MariaDB
import Messaging
import NIOCore
import Server
import TestSupport
import Testing

/// What an independent run found against the running service (issue: trust): a campaign whose
/// recipients Twilio throttles for ever still ends, and progress counters add up to the total
/// after delivery callbacks.
@Suite("Trust through the service", .serialized)
struct TrustFlowTests {
    /// Tenant 1's providers on the Twilio fake and the SMTP server; a live server sending with
    /// `adjust`ed configuration.
    static func withService(
        _ label: String, adjust: @Sendable (inout ServiceConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (MariaDBPool, any TestClientProtocol, FakeTwilio) async throws -> Void
    ) async throws {
        let smtp = try SMTPSenderTestsServer.fromEnvironment()
        let fake = try await FakeTwilio.start()
        let (pool, _) = try await APIFixture.make(label)
        var logger = Logger(label: "trust-flow")
        logger.logLevel = .warning
        try await ProviderFlowTests.tearingDown(fake, pool) {
            try await ProviderFlowTests.configureTenantOne(pool, fake: fake, smtp: smtp)
            var config = ProviderFlowTests.sendingConfiguration(pool, fake: fake, retryDelays: [1, 1])
            adjust(&config)
            try await ProviderFlowTests.withSendingServer(config, pool: pool, engineLogger: logger) { client in
                try await body(pool, client, fake)
            }
        }
    }

    /// Polls progress until the campaign has ended (or `seconds` pass).
    static func waitUntilEnded(_ client: any TestClientProtocol, id: Int, seconds: Int) async throws -> JSONValue {
        for _ in 0..<(seconds * 10) {
            let progress = try await APIFixture.call(
                client, .get, "/api/v1/campaigns/\(id)/progress?poll=\(UUID().uuidString)", tenant: 1, user: 10)
            if let status = progress.json?["status"]?.stringValue, ["completed", "failed", "cancelled"].contains(status) {
                return try #require(progress.json)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("campaign \(id) did not end within \(seconds) s")
        return .null
    }

    @Test func aCampaignEndsWhenTwilioThrottlesSomeRecipientsForEver() async throws {
        try await Self.withService("trust_throttle", adjust: { $0.throttleRetries = 2 }) { pool, client, fake in
            let throttled = ["+447700910001", "+447700910003", "+447700910005"]
            for number in throttled { fake.script(number, .rateLimited(retryAfter: 1)) }
            let body = #"{"channel":"sms","name":"Throttled","segment":{"type":"all_customers"},"body":"Hi {customer_first_name}"}"#
            let created = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: 1, user: 10, body: body)
            let id = try #require(created.json?["id"]?.integerValue)
            #expect(try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 10).status == 200)
            let done = try await Self.waitUntilEnded(client, id: id, seconds: 40)
            #expect(done["status"]?.stringValue == "completed", "\(done)")
            #expect(done["sent"]?.integerValue == 3 && done["failed"]?.integerValue == 3 && done["pending"]?.integerValue == 0, "\(done)")
            let rows = try await pool.withConnection { db in
                try await db.query(
                    "SELECT address, status, attempts, throttles FROM wpa_bkntc_campaign_logs WHERE campaign_id = \(id) ORDER BY address"
                ).map {
                    (
                        try $0.decode("address", as: String.self), try $0.decode("status", as: String.self),
                        try $0.decode("attempts", as: Int.self), try $0.decode("throttles", as: Int.self)
                    )
                }
            }
            for row in rows where throttled.contains(row.0) {
                // Two free throttles, then three 429s spent as attempts (two retries and the last).
                #expect(row.1 == "failed" && row.2 == 3 && row.3 == 2, "\(row)")
            }
            // Twilio saw exactly 2 + 3 creates per throttled recipient, none after the row ended.
            let attempts = fake.requestCount
            #expect(attempts == 3 + 3 * 5, "\(attempts) creates")
        }
    }

    @Test func progressCountersAreDisjointAndAddUpToTheTotalAfterCallbacks() async throws {
        try await Self.withService("trust_counters") { pool, client, fake in
            let body = #"{"channel":"sms","name":"Counted","segment":{"type":"all_customers"},"body":"Hi {customer_first_name}"}"#
            let created = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: 1, user: 10, body: body)
            let id = try #require(created.json?["id"]?.integerValue)
            #expect(try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 10).status == 200)
            _ = try await Self.waitUntilEnded(client, id: id, seconds: 20)
            let sids = fake.messages.map(\.sid)
            #expect(sids.count == 6)
            for (sid, status) in [(sids[0], "delivered"), (sids[1], "undelivered")] {
                let fields = [
                    FormField("AccountSid", fake.accountSID), FormField("MessageSid", sid), FormField("MessageStatus", status),
                    FormField("ErrorCode", status == "undelivered" ? "30005" : ""),
                ]
                #expect(try await ProviderFlowTests.post(client, "/webhooks/twilio/status", fields, token: fake.authToken).0 == 200)
            }
            let progress = try #require(
                try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/progress", tenant: 1, user: 10).json)
            func count(_ name: String) -> Int { progress[name]?.integerValue ?? -1 }
            #expect(count("delivered") == 1 && count("undelivered") == 1 && count("sent") == 4 && count("failed") == 0, "\(progress)")
            let parts = ["pending", "sending", "sent", "delivered", "undelivered", "failed", "skipped"].map(count).reduce(0, +)
            #expect(parts == count("total") && count("total") == 6, "\(progress)")
            // The campaign list shows the same disjoint counters.
            let list = try await APIFixture.call(client, .get, "/api/v1/campaigns?channel=sms", tenant: 1, user: 10)
            let counters = list.json?["items"]?.arrayValue?.first { $0["id"]?.integerValue == id }?["counters"]
            #expect(counters?["sent"]?.integerValue == 4 && counters?["delivered"]?.integerValue == 1, "\(String(describing: counters))")
            _ = pool
        }
    }

    @Test func aTenantsSMTPHostOnTheServicesNetworkIsRefusedNamingTheSetting() async throws {
        let smtp = try SMTPSenderTestsServer.fromEnvironment()
        try await Self.withService("trust_ssrf", adjust: { $0.allowPrivateSMTP = false }) { pool, client, _ in
            // Tenant 1's own SMTP host is 127.0.0.1 (the test server): a port scan of the service's
            // network would look like this.
            let to = "ssrf-\(UUID().uuidString.prefix(8))@example.com"
            let answer = try await APIFixture.call(
                client, .post, "/api/v1/test-send", tenant: 1, user: 10,
                body: #"{"channel":"email","to":"\#(to)","subject":"Hi","body":"Hi"}"#)
            #expect(answer.status == 409 && answer.json?["error"]?["code"]?.stringValue == "provider_not_configured", "\(answer)")
            #expect(answer.json?["error"]?["message"]?.stringValue?.contains("SMTP host in Booknetic → Settings → Email") == true)
            #expect(try smtp.received(for: to).isEmpty)
            _ = pool
        }
    }

    @Test func theUnsubscribePagesLanguageIsAnIndexLookupByTheTokensCampaign() async throws {
        let (pool, _) = try await APIFixture.make("trust_unsubscribe_locale")
        defer { Task { await TestDatabase.drop(pool) } }
        let events = MariaDBProviderEvents(pool: pool, prefix: APIFixture.prefix, clock: SystemClock())
        let now = Date(timeIntervalSince1970: 1_780_315_200)
        try await pool.withConnection { db in
            // Many rows of another campaign, one row of campaign 7 for customer 3.
            for chunk in stride(from: 0, to: 3000, by: 500) {
                let rows = MariaDBQuery.joined(
                    (chunk..<chunk + 500).map { n in
                        "(1, 1, 99, 1, 'email', \(n + 100), \("n\(n)@example.com"), 'sent', \(now), \(now))"
                    }, separator: ", ")
                try await db.execute(
                    "INSERT INTO wpa_bkntc_campaign_logs (tenant_id, tenant_key, campaign_id, run, channel, customer_id, address, status, created_at, updated_at) VALUES \(rows)"
                )
            }
            try await db.execute(
                """
                INSERT INTO wpa_bkntc_campaign_logs (tenant_id, tenant_key, campaign_id, run, channel, customer_id, address, status, created_at, updated_at)
                VALUES (1, 1, 7, 1, 'email', 3, 'c3.t1@example.com', 'sent', \(now), \(now))
                """)
            try await db.execute(
                """
                INSERT INTO wpa_bkntc_appointments (customer_id, status, starts_at, created_at, locale, tenant_id)
                VALUES (3, 'approved', 1700000000, 1700000000, 'fr_FR', 1), (3, 'approved', 1750000000, 1750000000, 'de_DE', 1)
                """)
            try await db.execute("ANALYZE TABLE wpa_bkntc_campaign_logs")
        }
        #expect(try await events.locale(scope: .tenant(1), campaignID: 7, address: "c3.t1@example.com") == "de_DE")
        #expect(try await events.locale(scope: .tenant(2), campaignID: 7, address: "c3.t1@example.com") == nil, "another tenant's token")
        #expect(try await events.locale(scope: .tenant(1), campaignID: nil, address: "c3.t1@example.com") == nil, "no campaign, no scan")
        var explain: MariaDBQuery = "EXPLAIN "
        explain.append(events.customerQuery(scope: .tenant(1), campaignID: 7, address: "c3.t1@example.com"))
        let statement = explain
        let plan = try await pool.withConnection { db in try await db.query(statement) }
        let key = try plan.first?.decode("key", as: String?.self)
        let access = try plan.first?.decode("type", as: String?.self)
        let rows = try plan.first?.decode("rows", as: Int?.self) ?? .max
        // Any index that starts with the campaign (idx_claim, uniq_recipient, idx_campaign_…) and
        // reads its few rows, never the 3,000 of the tenant's other campaign.
        let campaignIndexes = [
            "idx_claim", "uniq_recipient", "idx_campaign_address", "idx_campaign_customer", "idx_campaign_run", "idx_run_customer",
        ]
        #expect(
            campaignIndexes.contains(key ?? "") && access != "ALL" && rows <= 2,
            "key \(String(describing: key)), \(String(describing: access)), rows \(rows)")
    }
}
