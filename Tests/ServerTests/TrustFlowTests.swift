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

    /// Booknetic's global Twilio SMS settings on the fake (tenants 1 and 3 use them), and tenant 2
    /// with its own auth token on the same Account SID and number.
    static func configureSharedAccount(_ pool: MariaDBPool, fake: FakeTwilio) async throws {
        let plugins = #"a:1:{i:0;s:38:"booknetic-workflow-twilio-sms/init.php";}"#
        let options: [(String, String)] = [
            ("active_plugins", plugins), ("bkntc_sms_account_sid", fake.accountSID), ("bkntc_sms_auth_token", fake.authToken),
            ("bkntc_sender_phone_number", "+15005550006"),
            ("bkntc_t2_sms_account_sid", fake.accountSID), ("bkntc_t2_sms_auth_token", "tenant-two-own-token"),
            ("bkntc_t2_sender_phone_number", "+15005550006"),
        ]
        try await pool.withConnection { db in
            for (name, value) in options {
                try await db.execute("INSERT INTO wpa_options (option_name, option_value) VALUES (\(name), \(value))")
            }
        }
    }

    static func suppressed(_ pool: MariaDBPool, tenant: Int, _ address: String) async throws -> Bool {
        try await pool.withConnection { db in
            try await db.queryFirst(
                "SELECT id FROM wpa_bkntc_campaign_suppressions WHERE tenant_key = \(tenant) AND channel = 'sms' AND address = \(address)"
            ) != nil
        }
    }

    @Test func aWebhookSignedWithOneTenantsTokenNeverTouchesAnotherTenant() async throws {
        let fake = try await FakeTwilio.start()
        let (pool, _) = try await APIFixture.make("trust_webhooks")
        var logger = Logger(label: "trust-flow")
        logger.logLevel = .warning
        try await ProviderFlowTests.tearingDown(fake, pool) {
            try await Self.configureSharedAccount(pool, fake: fake)
            let config = ProviderFlowTests.sendingConfiguration(pool, fake: fake, retryDelays: [1, 1])
            try await ProviderFlowTests.withSendingServer(config, pool: pool, engineLogger: logger) { client in
                // Tenant 1 sends through the global account; its messages get sids.
                let body = #"{"channel":"sms","name":"Global","segment":{"type":"all_customers"},"body":"Hi"}"#
                let created = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: 1, user: 10, body: body)
                let id = try #require(created.json?["id"]?.integerValue)
                _ = try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 10)
                _ = try await Self.waitUntilEnded(client, id: id, seconds: 20)
                let sid = try #require(fake.messages.first?.sid)
                let customer = "+447700910001"

                // Tenant 2 forges STOP for tenant 1's customer with its own token: only tenant 2 is touched.
                func inbound(_ keyword: String) -> [FormField] {
                    [
                        FormField("AccountSid", fake.accountSID), FormField("From", customer), FormField("To", "+15005550006"),
                        FormField("Body", keyword),
                    ]
                }
                let forged = try await ProviderFlowTests.post(client, "/webhooks/twilio/inbound", inbound("STOP"), token: "tenant-two-own-token")
                #expect(forged.0 == 200)
                #expect(try await Self.suppressed(pool, tenant: 2, customer))
                #expect(try await Self.suppressed(pool, tenant: 1, customer) == false, "no mass opt-out through a shared account")
                #expect(try await Self.suppressed(pool, tenant: 3, customer) == false)

                // A real STOP (the platform's token) reaches tenants 1 and 3; tenant 2's START cannot undo it.
                #expect(try await ProviderFlowTests.post(client, "/webhooks/twilio/inbound", inbound("STOP"), token: fake.authToken).0 == 200)
                #expect(try await Self.suppressed(pool, tenant: 1, customer))
                #expect(try await Self.suppressed(pool, tenant: 3, customer))
                #expect(
                    try await ProviderFlowTests.post(client, "/webhooks/twilio/inbound", inbound("START"), token: "tenant-two-own-token").0 == 200)
                #expect(try await Self.suppressed(pool, tenant: 1, customer), "another tenant cannot delete a real STOP")
                #expect(try await Self.suppressed(pool, tenant: 2, customer) == false)

                // Tenant 2 cannot rewrite tenant 1's delivery statuses either.
                let status = [FormField("AccountSid", fake.accountSID), FormField("MessageSid", sid), FormField("MessageStatus", "undelivered")]
                #expect(try await ProviderFlowTests.post(client, "/webhooks/twilio/status", status, token: "tenant-two-own-token").0 == 200)
                let row = try await pool.withConnection { db in
                    try await db.queryFirst("SELECT status FROM wpa_bkntc_campaign_logs WHERE provider_message_id = \(sid)")?
                        .decode("status", as: String.self)
                }
                #expect(row == "sent")
                // A token nobody has is refused outright.
                #expect(try await ProviderFlowTests.post(client, "/webhooks/twilio/status", status, token: "nobody").0 == 403)
            }
        }
    }

    @Test func aTestSendObeysSuppressionsTheQuotaTheRateAndADailyAllowanceAndIsAudited() async throws {
        try await Self.withService(
            "trust_test_send",
            adjust: { config in
                config.testSendsPerDay = 3
                config.rateLimit = 1  // the sender's own rate: one message a second
            }
        ) { pool, client, fake in
            func testSend(_ to: String) async throws -> (status: Int, json: JSONValue?) {
                try await APIFixture.call(
                    client, .post, "/api/v1/test-send", tenant: 1, user: 10, body: #"{"channel":"sms","to":"\#(to)","body":"Hi {customer_name}"}"#)
            }
            // Someone who opted out is never messaged, not even by a test.
            _ = try await APIFixture.call(
                client, .post, "/api/v1/suppressions", tenant: 1, user: 10, body: #"{"channel":"sms","address":"+447700900999"}"#)
            let suppressed = try await testSend("+447700900999")
            #expect(suppressed.status == 409 && suppressed.json?["error"]?["code"]?.stringValue == "suppressed", "\(suppressed)")
            #expect(fake.messages.isEmpty)

            // Two test sends in a row take two slots of the sender's rate: the second waits ~1 s.
            let started = ContinuousClock.now
            #expect(try await testSend("+447700900001").status == 200)
            #expect(try await testSend("+447700900002").status == 200)
            #expect(ContinuousClock.now - started >= .milliseconds(900), "the second waited for its slot")
            #expect(fake.messages.count == 2)

            // The plan's quota: the two test SMS count towards it.
            try await pool.withConnection { db in
                let plan =
                    #"{"capabilities":{"sms_campaigns":"on","whatsapp_campaigns":"on","email_campaigns":"on"},"limits":{"twilio_sms_allowed_max_number":"2"}}"#
                try await db.execute("UPDATE wpa_bkntc_plans SET permissions = \(plan) WHERE id = 1")
            }
            // Plans are cached briefly (DESIGN §6); the quota is read per test send.
            let quota = try await testSend("+447700900003")
            #expect(quota.status == 409 && quota.json?["error"]?["code"]?.stringValue == "quota_exhausted", "\(quota)")

            // The daily allowance (3 here) counts every attempt of the day.
            try await pool.withConnection { db in
                let plan =
                    #"{"capabilities":{"sms_campaigns":"on","whatsapp_campaigns":"on","email_campaigns":"on"},"limits":{"twilio_sms_allowed_max_number":"-1"}}"#
                try await db.execute("UPDATE wpa_bkntc_plans SET permissions = \(plan) WHERE id = 1")
            }
            #expect(try await testSend("+447700900004").status == 200)
            let limited = try await client.execute(
                uri: "/api/v1/test-send", method: .post,
                headers: APIFixture.signed(
                    .post, "/api/v1/test-send", tenant: 1, user: 10, body: #"{"channel":"sms","to":"+447700900005","body":"Hi"}"#),
                body: ByteBuffer(string: #"{"channel":"sms","to":"+447700900005","body":"Hi"}"#)
            ) { response in (Int(response.status.code), response.headers[.retryAfter].flatMap(Int.init)) }
            #expect(limited.0 == 429, "\(limited)")
            #expect((limited.1 ?? 0) >= 1 && (limited.1 ?? 0) <= 86_400, "Retry-After until the tenant's midnight")
            #expect(fake.messages.count == 3)

            // Every test send is in the audit trail with its outcome.
            let audit = try await APIFixture.call(client, .get, "/api/v1/audit?object_type=message&channel=sms", tenant: 1, user: 10)
            let entries = audit.json?["items"]?.arrayValue ?? []
            #expect(entries.count == 3, "\(audit)")
            #expect(entries.allSatisfy { $0["action"]?.stringValue == "test_send" && $0["user_id"]?.integerValue == 10 })
            #expect(entries.allSatisfy { $0["detail"]?["status"]?.stringValue == "sent" && $0["detail"]?["provider_message_id"] != nil })
            #expect(entries.compactMap { $0["detail"]?["to"]?.stringValue }.sorted() == ["+447700900001", "+447700900002", "+447700900004"])
        }
    }

    @Test func aTenantsSlowRatePacesOnlyItsOwnMessagesOnASharedSender() async throws {
        let fake = try await FakeTwilio.start()
        let (pool, _) = try await APIFixture.make("trust_rates")
        var logger = Logger(label: "trust-flow")
        logger.logLevel = .warning
        try await ProviderFlowTests.tearingDown(fake, pool) {
            // Tenants 1 and 2 both send from the platform's number; tenant 2's plan gets SMS.
            let plugins = #"a:1:{i:0;s:38:"booknetic-workflow-twilio-sms/init.php";}"#
            try await pool.withConnection { db in
                for (name, value) in [
                    ("active_plugins", plugins), ("bkntc_sms_account_sid", fake.accountSID), ("bkntc_sms_auth_token", fake.authToken),
                    ("bkntc_sender_phone_number", "+15005550006"),
                ] {
                    try await db.execute("INSERT INTO wpa_options (option_name, option_value) VALUES (\(name), \(value))")
                }
                try await db.execute(
                    "UPDATE wpa_bkntc_plans SET permissions = '{\"capabilities\":{\"sms_campaigns\":\"on\"},\"limits\":{}}' WHERE id = 2")
            }
            var config = ProviderFlowTests.sendingConfiguration(pool, fake: fake, retryDelays: [1, 1])
            config.rateLimit = 20  // the shared number's own rate
            try await ProviderFlowTests.withSendingServer(config, pool: pool, engineLogger: logger) { client in
                // A tenant may not set a rate above its sender's.
                let tooFast = try await APIFixture.call(
                    client, .put, "/api/v1/settings", tenant: 1, user: 10, body: #"{"channel":"sms","rate_limit":50}"#)
                #expect(tooFast.status == 400 && tooFast.json?["error"]?["field"]?.stringValue == "rate_limit", "\(tooFast)")
                // Tenant 1 chooses one message every 20 s.
                #expect(
                    try await APIFixture.call(
                        client, .put, "/api/v1/settings", tenant: 1, user: 10, body: #"{"channel":"sms","rate_limit":0.05}"#
                    ).status == 200)
                func campaign(_ tenant: Int, _ user: Int) async throws -> Int {
                    let body = #"{"channel":"sms","name":"Shared","segment":{"type":"all_customers"},"body":"Hi"}"#
                    let created = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: tenant, user: user, body: body)
                    let id = try #require(created.json?["id"]?.integerValue)
                    #expect(try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: tenant, user: user).status == 200)
                    return id
                }
                let slow = try await campaign(1, 10)
                try await Task.sleep(for: .milliseconds(300))  // tenant 1 claims first
                let started = ContinuousClock.now
                let other = try await campaign(2, 20)
                // Tenant 2's six messages go at the sender's 20/s, not behind tenant 1's 0.05/s.
                let done = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(other)", tenant: 2, user: 20)
                _ = done
                var ended = false
                while ContinuousClock.now - started < .seconds(6) {
                    let progress = try await APIFixture.call(
                        client, .get, "/api/v1/campaigns/\(other)/progress?poll=\(UUID().uuidString)", tenant: 2, user: 20)
                    if progress.json?["status"]?.stringValue == "completed" {
                        ended = true
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(ended, "tenant 2's campaign completed within 6 s of its send")
                let tenantOne = fake.messages.filter { $0.to.hasPrefix("+44770091") }
                let tenantTwo = fake.messages.filter { $0.to.hasPrefix("+44770092") }
                #expect(tenantTwo.count == 6)
                #expect(tenantOne.count == 1, "tenant 1's second message waits its own 20 s: \(tenantOne.map(\.created))")
                _ = slow
            }
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
