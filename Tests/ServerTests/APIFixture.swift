import CampaignStore
import Campaigns
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MariaDB
import NIOCore
import Server
import TestSupport

/// A SaaS Booknetic database (prefix `wpa_`) with hand-made users, tenants, plans and roles, so
/// every identity of the capability matrix is known exactly.
enum APIFixture {
    static let prefix = try! TablePrefix("wpa_")
    static let secret = "test-secret-0123456789abcdef"

    enum User: Int, CaseIterable {
        case admin = 1, ownerOne = 10, ownerTwo = 20, marketingStaff = 30, plainStaff = 31, emailSender = 32, whatsappEditor = 33, customer = 40,
            stranger = 50, malformed = 60
    }

    static func make(
        _ label: String, rateLimit: Double = 100_000, burst: Double = 100_000, clock: any WallClock = SystemClock()
    ) async throws -> (MariaDBPool, AppDependencies) {
        let pool = try await TestDatabase.create(label)
        try await BookneticFixture.install(pool: pool, prefix: prefix)
        try await Migrator(pool: pool, prefix: prefix, logger: TestDatabase.logger).migrate()
        let pro =
            #"{"capabilities":{"sms_campaigns":"on","whatsapp_campaigns":"on","email_campaigns":"on"},"limits":{"twilio_sms_allowed_max_number":"-1"}}"#
        let starter = #"{"capabilities":{"sms_campaigns":"off","email_campaigns":"on"},"limits":{}}"#
        let expired = #"{"capabilities":{"email_campaigns":"on"},"limits":{}}"#
        let marketing =
            #"{"sms_campaigns":"on","sms_campaigns_create":"on","sms_campaigns_send":"all","sms_campaign_logs":"my","sms_campaign_templates":"on","sms_campaign_suppressions":"on","sms_campaigns_delete":"off","email_campaigns":"off"}"#
        try await pool.withConnection { db in
            for (id, name, permissions, expirePlan) in [(1, "Pro", pro, 0), (2, "Starter", starter, 0), (3, "Expired", expired, 1)] {
                try await db.execute(
                    "INSERT INTO wpa_bkntc_plans (id, name, permissions, expire_plan) VALUES (\(id),\(name),\(permissions),\(expirePlan))")
            }
            for (id, owner, plan, expires) in [
                (1, 10, 1, "2099-01-01"), (2, 20, 2, "2099-01-01"), (3, 70, 1, "2020-01-01"), (4, 80, 99, "2099-01-01"),
            ] {
                try await db.execute("INSERT INTO wpa_bkntc_tenants (id, user_id, plan_id, expires_in) VALUES (\(id),\(owner),\(plan),\(expires))")
            }
            let roles: [(Int, String)] = [
                (1, #"a:1:{s:13:"administrator";b:1;}"#), (10, #"a:1:{s:21:"booknetic_saas_tenant";b:1;}"#),
                (20, #"a:1:{s:21:"booknetic_saas_tenant";b:1;}"#), (30, #"a:1:{s:15:"booknetic_staff";b:1;}"#),
                (31, #"a:1:{s:15:"booknetic_staff";b:1;}"#), (32, #"a:1:{s:15:"booknetic_staff";b:1;}"#),
                (33, #"a:1:{s:15:"booknetic_staff";b:1;}"#), (40, #"a:1:{s:10:"subscriber";b:1;}"#),
                (60, #"a:1:{s:99:"administrator";b:1;"#), (70, #"a:1:{s:21:"booknetic_saas_tenant";b:1;}"#),
            ]
            for (user, value) in roles {
                try await db.execute("INSERT INTO wpa_usermeta (user_id, meta_key, meta_value) VALUES (\(user), 'wpa_capabilities', \(value))")
            }
            try await db.execute(
                "INSERT INTO wpa_bkntc_staff (id, name, user_id, tenant_id) VALUES (1, 'Mona', 30, 1), (2, 'Pete', 31, 1), (3, 'Erin', 32, 1), (4, 'Will', 33, 1)"
            )
            let emailSender = #"{"email_campaigns":"on","email_campaigns_send":"on"}"#
            let whatsappEditor =
                #"{"whatsapp_campaigns":"on","whatsapp_campaigns_create":"all","whatsapp_campaign_templates":"on","sms_campaign_logs":"my"}"#
            try await db.execute(
                """
                INSERT INTO wpa_bkntc_user_role_managers (name, staff, permissions, tenant_id) VALUES
                  ('Marketing', '1', \(marketing), 1), ('Other tenant', '1,2', \(#"{"sms_campaigns":"on"}"#), 2),
                  ('Email sender', '3', \(emailSender), 1), ('WhatsApp editor', '4', \(whatsappEditor), 1)
                """)
            for tenant in 1...3 {
                for n in 1...6 {
                    try await db.execute(
                        "INSERT INTO wpa_bkntc_customers (first_name, last_name, phone_number, email, tenant_id) VALUES (\("Cus\(n)"),\("T\(tenant)"),\("+44 7700 9\(tenant)000\(n)"),\("c\(n).t\(tenant)@example.com"),\(tenant))"
                    )
                }
            }
        }
        let config = ServiceConfiguration(
            database: pool.configuration, prefix: prefix, saas: true, secret: secret, defaultCountryCode: "44",
            apiRateLimit: rateLimit, apiRateBurst: burst)
        return (pool, AppDependencies.live(config: config, pool: pool, saas: true, clock: clock))
    }

    /// A fresh fixture database and a live server for `body`; the database is dropped afterwards,
    /// also when the body fails.
    static func live(
        _ label: String, rateLimit: Double = 100_000, burst: Double = 100_000, clock: any WallClock = SystemClock(),
        _ body: @escaping @Sendable (MariaDBPool, any TestClientProtocol) async throws -> Void
    ) async throws {
        let (pool, deps) = try await make(label, rateLimit: rateLimit, burst: burst, clock: clock)
        do {
            try await withServer(deps) { client in try await body(pool, client) }
        } catch {
            await TestDatabase.drop(pool)
            throw error
        }
        await TestDatabase.drop(pool)
    }

    /// A live server over loopback for `body`; `logger` (warnings by default) gets the server's log.
    static func withServer(
        _ deps: AppDependencies, logger: Logger? = nil, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let (router, _) = buildRouter(deps)
        var fallback = Logger(label: "api-test")
        fallback.logLevel = .warning
        let logger = logger ?? fallback
        let app = Application(
            router: router, server: .closingHTTP1(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in try await body(client) }
    }

    /// Headers signed like the bridge does.
    static func signed(
        _ method: HTTPRequest.Method, _ path: String, tenant: Int?, user: Int?, body: String = "",
        secret: String = APIFixture.secret, timestamp: Int = Int(Date().timeIntervalSince1970)
    ) -> HTTPFields {
        var headers = HTTPFields()
        let tenantText = tenant.map(String.init) ?? ""
        let userText = user.map(String.init) ?? ""
        headers[HTTPField.Name("X-Bkntc-Timestamp")!] = String(timestamp)
        headers[HTTPField.Name("X-Bkntc-Tenant")!] = tenantText
        headers[HTTPField.Name("X-Bkntc-User")!] = userText
        headers[HTTPField.Name("X-Bkntc-Signature")!] = RequestAuthenticator.signature(
            secret: secret, timestamp: String(timestamp), method: method.rawValue, pathAndQuery: path, tenant: tenantText,
            user: userText, body: Data(body.utf8))
        if !body.isEmpty { headers[.contentType] = "application/json" }
        return headers
    }

    /// Sends a signed request; returns status and decoded JSON (if any).
    static func call(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, tenant: Int?, user: Int?, body: String = ""
    ) async throws -> (status: Int, json: JSONValue?) {
        try await client.execute(
            uri: path, method: method, headers: signed(method, path, tenant: tenant, user: user, body: body),
            body: body.isEmpty ? nil : ByteBuffer(string: body)
        ) { response in
            let json = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body.readableBytesView))
            return (Int(response.status.code), json)
        }
    }

    /// Exchanges a launch token for a session: the status and the JSON answer.
    static func exchange(_ client: any TestClientProtocol, _ token: String) async throws -> (Int, JSONValue?) {
        try await client.execute(
            uri: "/api/v1/sessions", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"launch_token":"\#(token)"}"#)
        ) { (Int($0.status.code), try? JSONDecoder().decode(JSONValue.self, from: Data($0.body.readableBytesView))) }
    }

    /// A launch token as the bridge mints it.
    static func launchToken(
        tenant: Int?, user: Int, lifetime: Int = 60, secret: String = APIFixture.secret, macOverJSON: Bool = false,
        fieldNames: (tenant: String, user: String) = ("tenant", "user")
    ) -> String {
        let now = Int(Date().timeIntervalSince1970)
        var payload: [String: JSONValue] = [
            fieldNames.user: .number(Double(user)), "iat": .number(Double(now)), "exp": .number(Double(now + lifetime)),
            "nonce": .string(UUID().uuidString),
        ]
        if let tenant { payload[fieldNames.tenant] = .number(Double(tenant)) }
        let json = try! JSONEncoder().encode(JSONValue.object(payload))
        let part = base64URL(json)
        let mac = HMAC<SHA256>.authenticationCode(for: macOverJSON ? json : Data(part.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return part + "." + base64URL(Data(mac))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
