import CampaignStore
import Campaigns
import Foundation
import Logging
import MariaDB
import Server
import TestSupport
import Testing

/// `bkntc-campaigns doctor` (DESIGN §20): a good configuration is all `ok`; each broken setting
/// gets its own line, `fail` or `warn`, naming the fix; no line carries a secret.
@Suite("doctor", .serialized)
struct DoctorTests {
    static let secret = "a-real-secret-of-forty-characters-000000"
    static let logger = Logger(label: "doctor-test")

    /// A single site with Booknetic's tables, the service's tables and every provider configured.
    static func withSite(_ label: String, migrate: Bool = true, providers: Bool = true, _ body: ([String: String], MariaDBPool) async throws -> Void)
        async throws
    {
        let pool = try await TestDatabase.create(label)
        try await TestDatabase.dropping(pool) {
            try await BookneticFixture.install(pool: pool, prefix: APIFixture.prefix)
            if migrate { try await Migrator(pool: pool, prefix: APIFixture.prefix, logger: TestDatabase.logger).migrate() }
            if providers {
                let files = ["booknetic/init.php", ProviderConfiguration.smsPlugin, ProviderConfiguration.whatsappPlugin]
                let plugins =
                    "a:\(files.count):{" + files.enumerated().map { "i:\($0.offset);s:\($0.element.utf8.count):\"\($0.element)\";" }.joined() + "}"
                let options: [(String, String)] = [
                    ("active_plugins", plugins), ("bkntc_sms_account_sid", "AC" + String(repeating: "1", count: 32)),
                    ("bkntc_sms_auth_token", "token-that-must-not-show"), ("bkntc_sender_phone_number", "+15005550006"),
                    ("bkntc_whatsapp_account_sid", "AC" + String(repeating: "2", count: 32)),
                    ("bkntc_whatsapp_auth_token", "token-that-must-not-show"), ("bkntc_sender_phone_number_whatsapp", "whatsapp:+14155238886"),
                    ("bkntc_mail_gateway", "smtp"), ("bkntc_smtp_hostname", "smtp.example.com"), ("bkntc_smtp_port", "587"),
                    ("bkntc_smtp_secure", "tls"), ("bkntc_smtp_username", "salon"), ("bkntc_smtp_password", "password-that-must-not-show"),
                    ("bkntc_sender_email", "salon@example.com"),
                ]
                try await pool.withConnection { db in
                    for (name, value) in options {
                        try await db.execute("INSERT INTO wpa_options (option_name, option_value) VALUES (\(name), \(value))")
                    }
                }
            }
            let database = pool.configuration
            let environment = [
                "BKNTC_DB_HOST": database.host, "BKNTC_DB_PORT": String(database.port), "BKNTC_DB_NAME": database.database,
                "BKNTC_DB_USER": database.user, "BKNTC_DB_PASSWORD": database.password, "BKNTC_TABLE_PREFIX": "wpa_",
                "BKNTC_SECRET": secret, "BKNTC_PUBLIC_URL": "https://campaigns.example.com", "BKNTC_PROVIDER": "live",
                "BKNTC_ADMIN_FRAME_ANCESTORS": "https://salon.example.com",
                "BKNTC_SAAS": "0",
            ]
            try await body(environment, pool)
        }
    }

    static func run(_ environment: [String: String]) async -> [DoctorCheck] {
        let checks = await Doctor(environment: environment, logger: logger).run()
        for check in checks {
            for secret in [Self.secret, "token-that-must-not-show", "password-that-must-not-show"] {
                #expect(!check.message.contains(secret), "\(check)")
            }
        }
        return checks
    }

    static func line(_ checks: [DoctorCheck], _ name: String) -> DoctorCheck? {
        checks.first { $0.check == name }
    }

    @Test func aGoodConfigurationIsAllOK() async throws {
        try await Self.withSite("doctor_good") { environment, pool in
            let checks = await Self.run(environment)
            // Under Scripts/test's faked clock this machine really is years off the database's
            // (which keeps the real one), and doctor must say so; at the real hour all is ok.
            let epoch: Double? = try await pool.withConnection { db in try await db.queryFirst("SELECT UNIX_TIMESTAMP(NOW(6)) AS now")?.decode("now")
            }
            let skewed = abs((epoch ?? 0) - Date().timeIntervalSince1970) > 60
            #expect(Self.line(checks, "clock")?.status == (skewed ? .warn : .ok), "\(String(describing: Self.line(checks, "clock")))")
            #expect(checks.allSatisfy { $0.status == .ok || $0.check == "clock" }, "\(checks.filter { $0.status != .ok })")
            #expect(
                checks.map(\.check) == [
                    "configuration", "secret", "public url", "admin frame", "database", "booknetic tables", "privileges", "booknetic columns",
                    "installation", "migrations", "providers sms", "providers whatsapp", "providers email", "clock",
                ])
            #expect(Self.line(checks, "database")?.message.contains("MariaDB") == true)
            #expect(Self.line(checks, "installation")?.message == "a single site, as BKNTC_SAAS says")
            #expect(Self.line(checks, "booknetic columns")?.message.contains("appointments.client_timezone") == true)
        }
    }

    @Test func eachBrokenSettingNamesItsFix() async throws {
        try await Self.withSite("doctor_broken", migrate: false, providers: false) { environment, _ in
            func changed(_ name: String, _ value: String?) -> [String: String] {
                var copy = environment
                copy[name] = value
                return copy
            }
            // Before any migration, without providers: warnings, not failures.
            let fresh = await Self.run(environment)
            #expect(Self.line(fresh, "migrations")?.status == .warn)
            #expect(Self.line(fresh, "migrations")?.message.contains("bkntc-campaigns migrate") == true)
            #expect(Self.line(fresh, "privileges")?.status == .ok, "the test user may create tables")
            #expect(Self.line(fresh, "providers sms")?.status == .warn, "\(fresh)")
            #expect(!fresh.contains { $0.status == .fail }, "\(fresh.filter { $0.status == .fail })")

            let http = Self.line(await Self.run(changed("BKNTC_PUBLIC_URL", "http://campaigns.example.com")), "public url")
            #expect(
                http?.status == .fail
                    && http?.message == "BKNTC_PUBLIC_URL is http://campaigns.example.com: Twilio webhooks and unsubscribe links need https")
            #expect(Self.line(await Self.run(changed("BKNTC_PUBLIC_URL", nil)), "public url")?.status == .fail)
            let path = Self.line(await Self.run(changed("BKNTC_PUBLIC_URL", "https://campaigns.example.com/bkntc")), "public url")
            #expect(path?.status == .fail && path?.message.contains("no path") == true, "\(String(describing: path))")
            let frame = Self.line(await Self.run(changed("BKNTC_ADMIN_FRAME_ANCESTORS", nil)), "admin frame")
            #expect(frame?.status == .warn && frame?.message.contains("the WordPress site's origin") == true, "\(String(describing: frame))")
            let nothing = await Self.run([:])
            #expect(nothing.count == 1 && nothing[0].status == .fail, "\(nothing)")
            #expect(nothing[0].message.contains("BKNTC_DB_NAME") && nothing[0].message.contains(". /etc/bkntc-campaigns/env"), "\(nothing)")
            let short = Self.line(await Self.run(changed("BKNTC_SECRET", "short")), "secret")
            #expect(short?.status == .fail && short?.message.contains("at least 32") == true)
            #expect(Self.line(await Self.run(changed("BKNTC_SECRET", Doctor.demoSecret)), "secret")?.message.contains("the demo's") == true)
            #expect(Self.line(await Self.run(changed("BKNTC_SECRET", nil)), "secret")?.status == .fail)

            let invalid = await Self.run(changed("BKNTC_DB_PORT", "not-a-port"))
            #expect(invalid.count == 1 && invalid[0].check == "configuration" && invalid[0].status == .fail, "\(invalid)")
            #expect(invalid[0].message.contains("BKNTC_DB_PORT"))

            let noDatabase = await Self.run(changed("BKNTC_DB_NAME", "no_such_database_\(UInt32.random(in: 0...UInt32.max))"))
            let database = Self.line(noDatabase, "database")
            #expect(database?.status == .fail && database?.message.contains("BKNTC_DB_NAME") == true, "\(noDatabase)")
            #expect(noDatabase.last?.check == "database", "nothing that needs the database runs without it")

            let wrongPrefix = await Self.run(changed("BKNTC_TABLE_PREFIX", "wpz_"))
            let tables = Self.line(wrongPrefix, "booknetic tables")
            #expect(tables?.status == .fail && tables?.message.contains("wpz_bkntc_customers") == true, "\(wrongPrefix)")

            // Booknetic's fixture has the tenants table: without BKNTC_SAAS the install is SaaS,
            // and a SaaS install without tenants has no providers to check yet.
            let detected = await Self.run(changed("BKNTC_SAAS", nil))
            #expect(Self.line(detected, "installation")?.message == "Booknetic SaaS (tenants), detected from the database (wpa_bkntc_tenants exists)")
            #expect(Self.line(detected, "providers")?.message == "no tenants yet", "\(detected)")

            let outbox = Self.line(await Self.run(changed("BKNTC_PROVIDER", "outbox")), "providers")
            #expect(outbox?.status == .warn && outbox?.message.contains("never sent") == true)
        }
    }

    @Test func aUserThatMayOnlyReadCannotRunTheService() async throws {
        try await Self.withSite("doctor_readonly") { environment, pool in
            let user = "doctor_ro_\(UInt16.random(in: 0...UInt16.max))"
            let database = pool.configuration.database
            try await pool.withConnection { db in
                try await db.executeRaw(RawSQL(trusted: "CREATE USER '\(user)'@'127.0.0.1' IDENTIFIED BY 'read-only-password'"))
                try await db.executeRaw(RawSQL(trusted: "GRANT SELECT ON `\(database)`.* TO '\(user)'@'127.0.0.1'"))
            }
            var readOnly = environment
            readOnly["BKNTC_DB_USER"] = user
            readOnly["BKNTC_DB_PASSWORD"] = "read-only-password"
            let checks = await Self.run(readOnly)
            try await pool.withConnection { db in try await db.executeRaw(RawSQL(trusted: "DROP USER '\(user)'@'127.0.0.1'")) }
            let privileges = Self.line(checks, "privileges")
            #expect(privileges?.status == .fail, "\(checks)")
            #expect(privileges?.message.contains("may not write wpa_bkntc_campaigns") == true, "\(String(describing: privileges))")
            #expect(!checks.contains { $0.message.contains("read-only-password") })
        }
    }

    /// docs/deploy.md grants each table by name; a grant list that misses a table `migrate` is
    /// about to create fails the migrations line, naming it (a new table in an upgrade, say).
    @Test func narrowGrantsThatMissATableToCreateFailTheMigrationsLine() async throws {
        try await Self.withSite("doctor_narrow", migrate: false) { environment, pool in
            let user = "doctor_nw_\(UInt16.random(in: 0...UInt16.max))"
            let database = pool.configuration.database
            let own = ["campaign_migrations", "campaigns"]
            try await pool.withConnection { db in
                try await db.executeRaw(RawSQL(trusted: "CREATE USER '\(user)'@'127.0.0.1' IDENTIFIED BY 'narrow-password'"))
                try await db.executeRaw(RawSQL(trusted: "GRANT SELECT ON `\(database)`.* TO '\(user)'@'127.0.0.1'"))
                for table in own {
                    try await db.executeRaw(
                        RawSQL(
                            trusted:
                                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX ON `\(database)`.`wpa_bkntc_\(table)` TO '\(user)'@'127.0.0.1'"
                        ))
                }
            }
            var narrow = environment
            narrow["BKNTC_DB_USER"] = user
            narrow["BKNTC_DB_PASSWORD"] = "narrow-password"
            let checks = await Self.run(narrow)
            try await pool.withConnection { db in try await db.executeRaw(RawSQL(trusted: "DROP USER '\(user)'@'127.0.0.1'")) }
            let migrations = Self.line(checks, "migrations")
            #expect(migrations?.status == .fail, "\(checks)")
            let message = migrations?.message ?? ""
            #expect(message.contains("may not create") && message.contains("wpa_bkntc_campaign_logs"), "\(message)")
            #expect(
                !message.contains("wpa_bkntc_campaigns,") && !message.contains("wpa_bkntc_campaign_migrations"),
                "granted tables are not named: \(message)")
            // The test's own user may create anything: a pending migration is only a warning.
            #expect(Self.line(await Self.run(environment), "migrations")?.status == .warn)
        }
    }

    @Test func clockSkewOverTwoSecondsIsAWarning() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(Doctor.clockCheck(serverNow: now.addingTimeInterval(1.9), now: now).status == .ok)
        #expect(Doctor.clockCheck(serverNow: now.addingTimeInterval(-2.5), now: now).status == .warn)
        #expect(Doctor.serverCheck("10.5.23-MariaDB").status == .fail)
        #expect(Doctor.serverCheck("10.6.0-MariaDB-log").status == .ok)
        #expect(Doctor.serverCheck("8.0.36").status == .ok)
        #expect(Doctor.serverCheck("5.7.44-log").status == .fail)
    }
}
