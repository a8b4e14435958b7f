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

/// Parts tenants share: one Twilio account's webhooks, test sends against the shared limits,
/// and one sender's rate paced per tenant.
extension TrustFlowTests {
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
}
