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

/// The providers through the running service: a campaign on each channel goes from send to
/// `completed` against the Twilio fake and the real SMTP server, with Booknetic's own settings;
/// then status callbacks, STOP/START replies, one-click unsubscribe, test and manual sends, and
/// a tenant without a configured provider.
@Suite("Providers through the service", .serialized)
struct ProviderFlowTests {
    static let publicURL = "https://campaigns.example.com"

    /// Booknetic's settings for tenant 1: both Twilio add-ons active, SMTP to the test server.
    static func configureTenantOne(_ pool: MariaDBPool, fake: FakeTwilio, smtp: SMTPSenderTestsServer) async throws {
        let files = ["booknetic/init.php", ProviderConfiguration.smsPlugin, ProviderConfiguration.whatsappPlugin]
        // PHP's serialize() of a list, as WordPress stores `active_plugins`.
        let plugins = "a:\(files.count):{" + files.enumerated().map { "i:\($0.offset);s:\($0.element.utf8.count):\"\($0.element)\";" }.joined() + "}"
        let options: [(String, String)] = [
            ("active_plugins", plugins),
            ("bkntc_t1_sms_account_sid", fake.accountSID), ("bkntc_t1_sms_auth_token", fake.authToken),
            ("bkntc_t1_sender_phone_number", "+15005550006"),
            ("bkntc_t1_whatsapp_account_sid", fake.accountSID), ("bkntc_t1_whatsapp_auth_token", fake.authToken),
            ("bkntc_t1_sender_phone_number_whatsapp", "whatsapp:+14155238886"),
            ("bkntc_t1_mail_gateway", "smtp"), ("bkntc_t1_smtp_hostname", "127.0.0.1"), ("bkntc_t1_smtp_port", String(smtp.port)),
            ("bkntc_t1_smtp_secure", "no"), ("bkntc_t1_smtp_username", smtp.user), ("bkntc_t1_smtp_password", smtp.password),
            ("bkntc_t1_sender_email", "salon@example.com"), ("bkntc_t1_sender_name", "Salon Zoë"),
        ]
        try await pool.withConnection { db in
            for (name, value) in options {
                try await db.execute("INSERT INTO wpa_options (option_name, option_value) VALUES (\(name), \(value))")
            }
        }
    }

    /// `engineClock` is the sending engine's (the API's is the system clock).
    static func withService(
        _ label: String, engineClock: any WallClock = SystemClock(),
        _ body: @escaping @Sendable (MariaDBPool, any TestClientProtocol, FakeTwilio, SMTPSenderTestsServer) async throws -> Void
    ) async throws {
        let smtp = try SMTPSenderTestsServer.fromEnvironment()
        let fake = try await FakeTwilio.start()
        let (pool, _) = try await APIFixture.make(label)
        var logger = Logger(label: "provider-flow")
        logger.logLevel = .warning
        try await tearingDown(fake, pool) {
            try await configureTenantOne(pool, fake: fake, smtp: smtp)
            let config = sendingConfiguration(pool, fake: fake, retryDelays: [1, 1])
            try await withSendingServer(config, pool: pool, engineLogger: logger, engineClock: engineClock) { client in
                try await body(pool, client, fake, smtp)
            }
        }
    }

    /// The live configuration the provider tests send with: the fake's base over plain http, no
    /// quiet hours, short retries and timeouts, no API throttling.
    static func sendingConfiguration(_ pool: MariaDBPool, fake: FakeTwilio, retryDelays: [Int]) -> ServiceConfiguration {
        var config = ServiceConfiguration(
            database: pool.configuration, prefix: APIFixture.prefix, saas: true, secret: APIFixture.secret, publicURL: publicURL,
            twilioAPIBase: fake.baseURL, provider: .live, defaultCountryCode: "44", retryDelays: retryDelays, rateLimit: 200,
            apiRateLimit: 100_000, apiRateBurst: 100_000)
        config.twilioAllowsPlainHTTP = true
        config.quietHours = .never
        config.providerTimeout = 5
        // The test SMTP server is on loopback and tenant 1 names it in its own settings.
        config.allowPrivateSMTP = true
        return config
    }

    /// Runs `body` against a live server whose worker sends with `config`, then stops the worker
    /// and closes the engine's pools, whether or not `body` throws.
    static func withSendingServer(
        _ config: ServiceConfiguration, pool: MariaDBPool, engineLogger: Logger, serverLogger: Logger? = nil,
        engineClock: any WallClock = SystemClock(), _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let engine = EngineAssembly(config: config, apiPool: pool, saas: true, clock: engineClock, logger: engineLogger)
        let deps = AppDependencies.live(config: config, pool: pool, saas: true, engine: engine)
        let worker = try #require(engine.worker)
        let running = Task { try await worker.run() }
        var failure: (any Error)?
        do { try await APIFixture.withServer(deps, logger: serverLogger, body) } catch { failure = error }
        worker.stop()
        _ = try? await running.value
        await engine.close()
        if let failure { throw failure }
    }

    /// Runs `body`, then stops the fake and drops the test database, whether or not it throws.
    static func tearingDown(_ fake: FakeTwilio, _ pool: MariaDBPool, _ body: () async throws -> Void) async throws {
        var failure: (any Error)?
        do { try await body() } catch { failure = error }
        await fake.stop()
        await TestDatabase.drop(pool)
        if let failure { throw failure }
    }

    /// Polls progress until the campaign leaves queued/sending.
    static func waitUntilDone(_ client: any TestClientProtocol, id: Int, tenant: Int = 1, user: Int = 10) async throws -> JSONValue {
        for _ in 0..<150 {
            // A fresh query each time: the same signed request twice in one second is a replay.
            let progress = try await APIFixture.call(
                client, .get, "/api/v1/campaigns/\(id)/progress?poll=\(UUID().uuidString)", tenant: tenant, user: user)
            if let status = progress.json?["status"]?.stringValue, !["queued", "sending", "scheduled"].contains(status),
                status != "paused" || progress.json?["sending"]?.integerValue == 0
            {
                return try #require(progress.json)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("campaign \(id) did not finish")
        return .null
    }

    static func form(_ fields: [FormField], path: String, token: String) -> (HTTPFields, ByteBuffer) {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers[HTTPField.Name("X-Twilio-Signature")!] = TwilioSignature.compute(authToken: token, url: publicURL + path, parameters: fields)
        return (headers, ByteBuffer(string: FormField.encode(fields)))
    }

    static func post(_ client: any TestClientProtocol, _ path: String, _ fields: [FormField], token: String) async throws -> (Int, String) {
        let (headers, body) = form(fields, path: path, token: token)
        return try await client.execute(uri: path, method: .post, headers: headers, body: body) { response in
            (Int(response.status.code), String(buffer: response.body))
        }
    }

    @Test func aCampaignOnEachChannelCompletesThenCallbacksStopAndUnsubscribeWork() async throws {
        try await Self.withService("providers_flow") { pool, client, fake, smtp in
            // The SMTP server keeps what earlier runs received: count what this one adds.
            let before = try (1...6).map { try smtp.received(for: "c\($0).t1@example.com").count }.reduce(0, +)
            var ids: [Campaigns.Channel: Int] = [:]
            for channel in Campaigns.Channel.allCases {
                let body =
                    #"{"channel":"\#(channel.rawValue)","name":"Spring \#(channel.rawValue)","segment":{"type":"all_customers"},"body":"Hi {customer_first_name}, 20% off","subject":"Spring offer für {customer_first_name}"}"#
                let created = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: 1, user: 10, body: body)
                let id = try #require(created.json?["id"]?.integerValue)
                #expect(try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 10).status == 200)
                ids[channel] = id
            }
            for channel in Campaigns.Channel.allCases {
                let done = try await Self.waitUntilDone(client, id: ids[channel]!)
                #expect(done["status"]?.stringValue == "completed", "\(channel): \(done)")
                #expect(done["sent"]?.integerValue == 6 && done["failed"]?.integerValue == 0, "\(channel): \(done)")
            }
            let sms = fake.messages.filter { !$0.to.hasPrefix("whatsapp:") }
            let whatsapp = fake.messages.filter { $0.to.hasPrefix("whatsapp:") }
            #expect(sms.count == 6 && Set(sms.map(\.to)).count == 6)
            #expect(whatsapp.count == 6 && whatsapp.allSatisfy { $0.from == "whatsapp:+14155238886" })
            #expect(sms.contains { $0.body == "Hi Cus1, 20% off" })
            let emails = try (1...6).flatMap { try smtp.received(for: "c\($0).t1@example.com") }
            #expect(emails.count - before == 6)

            // A signed status callback marks the row delivered; a forged one changes nothing.
            let sid = try #require(sms.first?.sid)
            let status = [FormField("AccountSid", fake.accountSID), FormField("MessageSid", sid), FormField("MessageStatus", "delivered")]
            let forged = try await Self.post(client, "/webhooks/twilio/status", status, token: "not-the-token")
            #expect(forged.0 == 403)
            #expect(try await Self.post(client, "/webhooks/twilio/status", status, token: fake.authToken).0 == 200)
            let delivered = try await pool.withConnection { db in
                try await db.queryFirst("SELECT status FROM wpa_bkntc_campaign_logs WHERE provider_message_id = \(sid)")?.decode(
                    "status", as: String.self)
            }
            #expect(delivered == "delivered")
            // A late "sent" callback never downgrades it.
            let late = [FormField("AccountSid", fake.accountSID), FormField("MessageSid", sid), FormField("MessageStatus", "sent")]
            #expect(try await Self.post(client, "/webhooks/twilio/status", late, token: fake.authToken).0 == 200)
            let still = try await pool.withConnection { db in
                try await db.queryFirst("SELECT status FROM wpa_bkntc_campaign_logs WHERE provider_message_id = \(sid)")?.decode(
                    "status", as: String.self)
            }
            #expect(still == "delivered")

            // STOP from a customer suppresses them for tenant 1's SMS; START removes it.
            let stop = [
                FormField("AccountSid", fake.accountSID), FormField("From", sms[0].to), FormField("To", "+15005550006"), FormField("Body", " stop "),
            ]
            let stopped = try await Self.post(client, "/webhooks/twilio/inbound", stop, token: fake.authToken)
            #expect(stopped.0 == 200 && stopped.1 == "<Response></Response>")
            let suppressed = try await APIFixture.call(client, .get, "/api/v1/suppressions?channel=sms", tenant: 1, user: 10)
            #expect(
                suppressed.json?["items"]?.arrayValue?.contains {
                    $0["address"]?.stringValue == sms[0].to && $0["reason"]?.stringValue == "STOP reply"
                } == true)
            let start = [
                FormField("AccountSid", fake.accountSID), FormField("From", sms[0].to), FormField("To", "+15005550006"), FormField("Body", "START"),
            ]
            #expect(try await Self.post(client, "/webhooks/twilio/inbound", start, token: fake.authToken).0 == 200)
            let after = try await APIFixture.call(client, .get, "/api/v1/suppressions?channel=sms&page=1", tenant: 1, user: 10)
            #expect(after.json?["items"]?.arrayValue?.contains { $0["address"]?.stringValue == sms[0].to } == false, "\(after)")

            // One-click unsubscribe from the link in a received email.
            let raw = try #require(emails.last?.raw).replacingOccurrences(of: "\r\n ", with: " ")
            let token = try #require(
                raw.components(separatedBy: "\(Self.publicURL)/unsubscribe/").dropFirst().first?.components(separatedBy: ">").first)
            let page = try await client.execute(uri: "/unsubscribe/\(token)", method: .get) { ($0.status.code, String(buffer: $0.body)) }
            #expect(page.0 == 200 && page.1.contains("<form method=\"post\""))
            var oneClick = HTTPFields()
            oneClick[.contentType] = "application/x-www-form-urlencoded"
            for _ in 0..<2 {  // idempotent
                let done = try await client.execute(
                    uri: "/unsubscribe/\(token)", method: .post, headers: oneClick, body: ByteBuffer(string: "List-Unsubscribe=One-Click")
                ) { $0.status.code }
                #expect(done == 200)
            }
            let unsubscribed = try await APIFixture.call(client, .get, "/api/v1/suppressions?channel=email", tenant: 1, user: 10)
            #expect(unsubscribed.json?["items"]?.arrayValue?.filter { $0["reason"]?.stringValue == "unsubscribe link" }.count == 1)
            let bad = try await client.execute(uri: "/unsubscribe/\(token)x", method: .post) { $0.status.code }
            #expect(bad == 400)
        }
    }

    @Test func testSendsManualSendsAndAMissingProvider() async throws {
        try await Self.withService("providers_sends") { pool, client, fake, smtp in
            let test = try await APIFixture.call(
                client, .post, "/api/v1/test-send", tenant: 1, user: 10, body: #"{"channel":"sms","to":"07700 900123","body":"Hi {customer_name}"}"#)
            #expect(test.status == 200 && test.json?["status"]?.stringValue == "sent")
            #expect(fake.messages.last?.body == "Hi Test Customer" && fake.messages.last?.to == "+447700900123")
            let mail = try await APIFixture.call(
                client, .post, "/api/v1/test-send", tenant: 1, user: 10,
                body: #"{"channel":"email","to":"owner@example.com","subject":"Test","body":"<p>Hi {customer_name}</p>"}"#)
            #expect(mail.status == 200)
            #expect(try smtp.received(for: "owner@example.com").last?.raw.contains("Hi Test Customer") == true)
            let invalid = try await APIFixture.call(
                client, .post, "/api/v1/test-send", tenant: 1, user: 10, body: #"{"channel":"sms","to":"555","body":"x"}"#)
            #expect(invalid.status == 400 && invalid.json?["error"]?["field"]?.stringValue == "to")
            // Words a salon owner understands: the field's fix, never a format's name.
            #expect(invalid.json?["error"]?["message"]?.stringValue == "Enter a phone number with its country code, e.g. +44 7700 900123.")
            fake.script("+447700900124", .error(status: 400, code: 21614, message: "not a mobile number"))
            let refused = try await APIFixture.call(
                client, .post, "/api/v1/test-send", tenant: 1, user: 10, body: #"{"channel":"sms","to":"+447700900124","body":"x"}"#)
            #expect(refused.status == 502 && refused.json?["error"]?["code"]?.stringValue == "provider_error")
            #expect(refused.json?["error"]?["message"]?.stringValue?.contains("21614") == true)

            // Manual send: pasted addresses, deduplicated, invalid listed, suppressed counted.
            _ = try await APIFixture.call(
                client, .post, "/api/v1/suppressions", tenant: 1, user: 10, body: #"{"channel":"sms","address":"+447700900200"}"#)
            let manual = try await APIFixture.call(
                client, .post, "/api/v1/manual-send", tenant: 1, user: 10,
                body:
                    #"{"channel":"sms","body":"Hi {customer_first_name}","addresses":"+447700900201\n07700 900201, banana; +447700900200","customer_ids":[1,999]}"#
            )
            #expect(manual.status == 202)
            #expect(
                manual.json?["queued"]?.integerValue == 2 && manual.json?["duplicates"]?.integerValue == 1
                    && manual.json?["suppressed"]?.integerValue == 1)
            #expect(
                manual.json?["invalid"]?.arrayValue?.compactMap(\.stringValue) == ["A customer you chose no longer exists (#999)", "banana"])
            let id = try #require(manual.json?["id"]?.integerValue)
            let done = try await Self.waitUntilDone(client, id: id)
            #expect(done["status"]?.stringValue == "completed" && done["sent"]?.integerValue == 2)
            #expect(fake.messages.contains { $0.to == "+447700900201" && $0.body == "Hi " })
            #expect(fake.messages.contains { $0.body == "Hi Cus1" }, "a customer id renders the customer's real name")
            let listed = try await APIFixture.call(client, .get, "/api/v1/campaigns?kind=manual", tenant: 1, user: 10)
            #expect(listed.json?["items"]?.arrayValue?.map { $0["kind"]?.stringValue } == ["manual"])
            #expect(try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/duplicate", tenant: 1, user: 10).status == 409)

            // Tenant 2 has no SMTP settings (and no global ones): /me says so, nothing is sent.
            let me = try await APIFixture.call(client, .get, "/api/v1/me", tenant: 2, user: 20)
            #expect(me.json?["providers"]?["email"]?["configured"]?.boolValue == false)
            #expect(me.json?["providers"]?["email"]?["missing"]?.stringValue?.contains("Booknetic → Settings → Email") == true)
            #expect(me.json?["capabilities"]?["email"]?.arrayValue?.contains(.string("email_campaigns_send")) == true)
            let mine = try await APIFixture.call(client, .get, "/api/v1/me", tenant: 1, user: 10)
            #expect(mine.json?["providers"]?["sms"]?["configured"]?.boolValue == true)
            #expect(mine.json?["providers"]?["sms"]?["missing"] == .null)
            let blocked = try await APIFixture.call(
                client, .post, "/api/v1/test-send", tenant: 2, user: 20, body: #"{"channel":"email","to":"x@example.com","subject":"s","body":"b"}"#)
            #expect(blocked.status == 409 && blocked.json?["error"]?["code"]?.stringValue == "provider_not_configured")
            let created = try await APIFixture.call(
                client, .post, "/api/v1/campaigns", tenant: 2, user: 20,
                body: #"{"channel":"email","name":"No SMTP","segment":{"type":"all_customers"},"body":"Hi","subject":"Hi"}"#)
            let other = try #require(created.json?["id"]?.integerValue)
            _ = try await APIFixture.call(client, .post, "/api/v1/campaigns/\(other)/send", tenant: 2, user: 20)
            let failed = try await Self.waitUntilDone(client, id: other, tenant: 2, user: 20)
            #expect(failed["status"]?.stringValue == "failed")
            let campaign = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(other)", tenant: 2, user: 20)
            #expect(campaign.json?["status_reason"]?.stringValue == "provider_not_configured")
            #expect(try (1...6).allSatisfy { try smtp.received(for: "c\($0).t2@example.com").isEmpty })
        }
    }
}
