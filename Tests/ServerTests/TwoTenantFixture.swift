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

/// The API fixture plus what cross-tenant checks need: tenant 5 on the full plan (owner user 90)
/// next to tenant 1, each with its own Twilio account and sender number, and a public URL so
/// webhook signatures can be verified. Nothing is sent: no engine runs.
enum TwoTenantFixture {
    struct Account: Sendable {
        let sid: String
        let token: String
        let sender: String
    }

    static let publicURL = "https://campaigns.example.com"
    /// Tenant 1's Twilio account (SMS and WhatsApp).
    static let one = Account(sid: "AC" + String(repeating: "1", count: 32), token: "tenant-one-auth-token-4f1c", sender: "+15005550006")
    /// Tenant 5's Twilio account.
    static let five = Account(sid: "AC" + String(repeating: "5", count: 32), token: "tenant-five-auth-token-9b2e", sender: "+15005550009")
    static let otherTenant = 5
    static let otherOwner = 90

    /// Adds tenant 5 (plan Pro, owner 90, six customers) and both tenants' Twilio settings.
    static func install(_ pool: MariaDBPool) async throws {
        let files = ["booknetic/init.php", ProviderConfiguration.smsPlugin, ProviderConfiguration.whatsappPlugin]
        let plugins = "a:\(files.count):{" + files.enumerated().map { "i:\($0.offset);s:\($0.element.utf8.count):\"\($0.element)\";" }.joined() + "}"
        try await pool.withConnection { db in
            try await db.execute("INSERT INTO wpa_options (option_name, option_value) VALUES ('active_plugins', \(plugins))")
        }
        try await configureTwilio(pool, tenant: 1, account: one)
        try await addTenantFive(pool)
    }

    /// Tenant 5 with its own Twilio account (`five` unless told otherwise).
    static func addTenantFive(_ pool: MariaDBPool, account: Account = five) async throws {
        try await pool.withConnection { db in
            try await db.execute(
                "INSERT INTO wpa_bkntc_tenants (id, user_id, plan_id, expires_in) VALUES (\(otherTenant), \(otherOwner), 1, '2099-01-01')")
            try await db.execute(
                "INSERT INTO wpa_usermeta (user_id, meta_key, meta_value) VALUES (\(otherOwner), 'wpa_capabilities', \(#"a:1:{s:21:"booknetic_saas_tenant";b:1;}"#))"
            )
            for n in 1...6 {
                try await db.execute(
                    "INSERT INTO wpa_bkntc_customers (first_name, last_name, phone_number, email, tenant_id) VALUES (\("Cus\(n)"),'T5',\("+44 7700 95000\(n)"),\("c\(n).t5@example.com"),\(otherTenant))"
                )
            }
        }
        try await configureTwilio(pool, tenant: otherTenant, account: account)
    }

    /// A tenant's own Twilio SMS and WhatsApp settings.
    static func configureTwilio(_ pool: MariaDBPool, tenant: Int, account: Account) async throws {
        let options = [
            ("bkntc_t\(tenant)_sms_account_sid", account.sid), ("bkntc_t\(tenant)_sms_auth_token", account.token),
            ("bkntc_t\(tenant)_sender_phone_number", account.sender),
            ("bkntc_t\(tenant)_whatsapp_account_sid", account.sid), ("bkntc_t\(tenant)_whatsapp_auth_token", account.token),
            ("bkntc_t\(tenant)_sender_phone_number_whatsapp", "whatsapp:" + account.sender),
        ]
        try await pool.withConnection { db in
            for (name, value) in options {
                try await db.execute("INSERT INTO wpa_options (option_name, option_value) VALUES (\(name), \(value))")
            }
        }
    }

    /// A fresh database with both tenants and a live server for `body`; dropped afterwards.
    static func live(
        _ label: String, rateLimit: Double = 100_000, burst: Double = 100_000,
        configure: @Sendable (inout ServiceConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (MariaDBPool, any TestClientProtocol) async throws -> Void
    ) async throws {
        let (pool, _) = try await APIFixture.make(label, rateLimit: rateLimit, burst: burst)
        try await TestDatabase.dropping(pool) {
            try await install(pool)
            var config = ServiceConfiguration(
                database: pool.configuration, prefix: APIFixture.prefix, saas: true, secret: APIFixture.secret, publicURL: publicURL,
                defaultCountryCode: "44", apiRateLimit: rateLimit, apiRateBurst: burst)
            configure(&config)
            let deps = AppDependencies.live(config: config, pool: pool, saas: true)
            try await APIFixture.withServer(deps) { client in try await body(pool, client) }
        }
    }

    /// Posts a Twilio webhook form signed with `token` over the public URL.
    static func webhook(
        _ client: any TestClientProtocol, _ path: String, _ fields: [FormField], token: String
    ) async throws -> (status: Int, body: String, retryAfter: String?) {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers[HTTPField.Name("X-Twilio-Signature")!] = TwilioSignature.compute(authToken: token, url: publicURL + path, parameters: fields)
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: FormField.encode(fields))) {
            (Int($0.status.code), String(buffer: $0.body), $0.headers[.retryAfter])
        }
    }

    /// Every row of `tenant` in the sidecar's tables, as text: equal snapshots mean nothing of
    /// the tenant's campaigns, logs, templates, suppressions or settings changed.
    static func snapshot(_ pool: MariaDBPool, tenant: Int) async throws -> [String: [String]] {
        try await pool.withConnection { db in
            var tables: [String: [String]] = [:]
            for table in ["campaigns", "campaign_logs", "campaign_templates", "campaign_suppressions", "campaign_settings", "campaign_audiences"] {
                guard let name = SQLIdentifier("wpa_bkntc_\(table)") else { continue }
                let rows = try await db.query("SELECT * FROM \(identifier: name) WHERE tenant_id = \(tenant)")
                tables[table] = rows.map { row in String(describing: row.values) }.sorted()
            }
            return tables
        }
    }
}
