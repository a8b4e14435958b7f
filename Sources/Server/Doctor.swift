import CampaignStore
import Campaigns
import Foundation
import Logging
import MariaDB

/// One line of `bkntc-campaigns doctor`.
public struct DoctorCheck: Sendable, Hashable, Encodable {
    /// How a check came out: `fail` makes `doctor` exit 1.
    public enum Status: String, Sendable, Hashable, Encodable {
        case ok
        case warn
        case fail
    }

    /// What was checked (`database`, `secret`, `providers tenant 3 sms`, …).
    public var check: String
    public var status: Status
    /// What was found, and for `warn` and `fail` what to fix. Never a secret.
    public var message: String

    public init(_ check: String, _ status: Status, _ message: String) {
        self.check = check
        self.status = status
        self.message = message
    }
}

/// The checks an operator runs after editing `/etc/bkntc-campaigns/env` (DESIGN §20): the
/// configuration, the database and what the service's user may do in it, Booknetic's tables,
/// the installation mode, migrations, the secret, the public URL, each tenant's providers and
/// the clock. Each line says what to fix; none prints a secret.
public struct Doctor: Sendable {
    /// The demo's secret (Scripts/demo): never fit for a real install.
    public static let demoSecret = "demo-secret-change-me-0123456789"
    /// Tenants whose providers are listed one by one; beyond them only counts.
    public static let listedTenants = 20

    let environment: [String: String]
    let clock: any WallClock
    let logger: Logger

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, clock: any WallClock = SystemClock(), logger: Logger) {
        self.environment = environment
        self.clock = clock
        self.logger = logger
    }

    /// Runs every check that can run: without a readable configuration or a reachable database,
    /// the checks that need them are left out (the failing line says why).
    public func run() async -> [DoctorCheck] {
        let config: ServiceConfiguration
        do {
            config = try ServiceConfiguration.fromEnvironment(environment, requireSecret: false)
        } catch {
            // Run by hand without the env file loaded, nothing is set: say how to load it.
            let loaded = environment.keys.contains { $0.hasPrefix("BKNTC_") }
            let hint =
                loaded
                ? ""
                : " No BKNTC_ variable is set in this shell: load the env file first "
                    + "(`set -a; . /etc/bkntc-campaigns/env; set +a`, as docs/deploy.md shows)."
            return [DoctorCheck("configuration", .fail, "\(error.description). Fix it in /etc/bkntc-campaigns/env.\(hint)")]
        }
        var checks = [DoctorCheck("configuration", .ok, "every BKNTC_ variable that is set is valid")]
        checks.append(Self.secretCheck(config.secret))
        checks.append(Self.publicURLCheck(config.publicURL))
        checks.append(Self.adminFrameCheck(config.adminFrameAncestors))
        let pool = MariaDBPool(configuration: config.database, logger: logger)
        checks += await databaseChecks(config, pool: pool)
        await pool.close()
        return checks
    }

    /// The checks that read the database; a first line `fail` when it cannot be reached.
    func databaseChecks(_ config: ServiceConfiguration, pool: MariaDBPool) async -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let facts: DatabaseInspection.Facts
        let inspection = DatabaseInspection(pool: pool, prefix: config.prefix)
        do {
            facts = try await inspection.inspect(clock: clock)
        } catch {
            let detail = (error as? MariaDBError)?.detail ?? "\(error)"
            let place = config.database.socket.map { "socket \($0)" } ?? "\(config.database.host):\(config.database.port)"
            return [
                DoctorCheck(
                    "database", .fail,
                    "\(place), database \(config.database.database), user \(config.database.user): \(detail). Check BKNTC_DB_HOST, "
                        + "BKNTC_DB_PORT (or BKNTC_DB_SOCKET), BKNTC_DB_NAME, BKNTC_DB_USER and BKNTC_DB_PASSWORD.")
            ]
        }
        checks.append(Self.serverCheck(facts.serverVersion))
        checks += Self.privilegeChecks(facts, prefix: config.prefix)
        checks.append(Self.columnsCheck(facts))
        let saas = config.saas ?? facts.saasTablesPresent
        checks.append(
            DoctorCheck(
                "installation", .ok,
                (saas ? "Booknetic SaaS (tenants)" : "a single site")
                    + (config.saas == nil
                        ? ", detected from the database (\(config.prefix.bareName("tenants")) "
                            + (facts.saasTablesPresent ? "exists)" : "does not exist)") : ", as BKNTC_SAAS says")))
        checks.append(await migrationsCheck(pool: pool, prefix: config.prefix, inspection: inspection))
        checks += await providerChecks(pool: pool, config: config, saas: saas, inspection: inspection)
        checks.append(Self.clockCheck(serverNow: facts.serverNow, now: facts.localNow))
        return checks
    }

    // MARK: Configuration

    static func secretCheck(_ secret: String) -> DoctorCheck {
        if secret.isEmpty {
            return DoctorCheck(
                "secret", .fail, "BKNTC_SECRET is not set: generate one with `openssl rand -hex 32` and paste the same into the bridge plugin")
        }
        if secret == demoSecret {
            return DoctorCheck("secret", .fail, "BKNTC_SECRET is the demo's: generate a new one with `openssl rand -hex 32`")
        }
        if secret.count < 32 {
            return DoctorCheck(
                "secret", .fail, "BKNTC_SECRET has \(secret.count) characters: use at least 32 (`openssl rand -hex 32`)")
        }
        return DoctorCheck("secret", .ok, "BKNTC_SECRET has \(secret.count) characters")
    }

    static func publicURLCheck(_ url: String?) -> DoctorCheck {
        guard let url else {
            return DoctorCheck(
                "public url", .fail,
                "BKNTC_PUBLIC_URL is not set: Twilio webhooks and unsubscribe links need the service's https address, e.g. https://campaigns.example.com"
            )
        }
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "https", components.host?.isEmpty == false else {
            return DoctorCheck("public url", .fail, "BKNTC_PUBLIC_URL is \(url): Twilio webhooks and unsubscribe links need https")
        }
        guard components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil else {
            return DoctorCheck(
                "public url", .fail,
                "BKNTC_PUBLIC_URL is \(url): give the address the service answers at, with no path "
                    + "(e.g. https://\(components.host ?? "campaigns.example.com")); links and webhooks add their own paths")
        }
        return DoctorCheck("public url", .ok, url)
    }

    static func adminFrameCheck(_ origins: [String]) -> DoctorCheck {
        if origins.isEmpty {
            return DoctorCheck(
                "admin frame", .warn,
                "BKNTC_ADMIN_FRAME_ANCESTORS is empty: the bridge's Campaigns page in wp-admin cannot show the admin UI; "
                    + "set it to the WordPress site's origin, e.g. https://salon.example.com")
        }
        return DoctorCheck("admin frame", .ok, "wp-admin may embed the admin UI from \(origins.joined(separator: ", "))")
    }

    // MARK: Database

    /// MariaDB 10.6 or later, or MySQL 8.0 or later, from `VERSION()`.
    public static func serverCheck(_ version: String) -> DoctorCheck {
        let numbers = version.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        let (major, minor) = (numbers.first ?? 0, numbers.count > 1 ? numbers[1] : 0)
        let mariaDB = version.lowercased().contains("mariadb")
        let supported = mariaDB ? (major, minor) >= (10, 6) : major >= 8
        let name = mariaDB ? "MariaDB" : "MySQL"
        if supported { return DoctorCheck("database", .ok, "reachable: \(name) \(version)") }
        return DoctorCheck("database", .fail, "\(name) \(version) is too old: use MariaDB 10.6 or later, or MySQL 8.0 or later")
    }

    static func privilegeChecks(_ facts: DatabaseInspection.Facts, prefix: TablePrefix) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let missing = facts.reads.filter { $0.access == .missing && DatabaseInspection.bookneticTables.contains($0.table) }
        if missing.isEmpty {
            checks.append(DoctorCheck("booknetic tables", .ok, "found under the prefix \(prefix.bareName("").dropLast("bkntc_".count))"))
        } else {
            checks.append(
                DoctorCheck(
                    "booknetic tables", .fail,
                    "\(missing.map { prefix.bareName($0.table) }.joined(separator: ", ")) not found: is BKNTC_TABLE_PREFIX WordPress' "
                        + "$table_prefix, and is Booknetic installed in BKNTC_DB_NAME?"))
        }
        let denied = facts.reads.filter { $0.access == .denied }.map(\.table)
        let unwritable = facts.writes.filter { $0.access != .allowed }.map(\.table)
        if !denied.isEmpty {
            checks.append(
                DoctorCheck(
                    "privileges", .fail,
                    "the database user may not read \(denied.joined(separator: ", ")): GRANT SELECT ON the WordPress database's tables"))
        } else if !unwritable.isEmpty {
            checks.append(
                DoctorCheck(
                    "privileges", .fail,
                    "the database user may not write \(unwritable.map { prefix.bareName($0) }.joined(separator: ", ")): "
                        + "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX on its own tables (docs/deploy.md)"))
        } else if facts.writes.isEmpty && facts.mayCreateTables == false {
            checks.append(
                DoctorCheck(
                    "privileges", .fail, "the database user may not create tables, so `migrate` cannot: GRANT CREATE, ALTER, INDEX (docs/deploy.md)"))
        } else if facts.writes.isEmpty {
            checks.append(DoctorCheck("privileges", .ok, "reads Booknetic's and WordPress' tables; its own tables are not created yet"))
        } else {
            checks.append(DoctorCheck("privileges", .ok, "reads Booknetic's and WordPress' tables, writes its own"))
        }
        return checks
    }

    static func columnsCheck(_ facts: DatabaseInspection.Facts) -> DoctorCheck {
        let present = facts.optionalColumns.filter(\.present).map(\.column)
        let absent = facts.optionalColumns.filter { !$0.present }.map(\.column)
        var message = present.isEmpty ? "none of Booknetic's optional columns" : "present: \(present.joined(separator: ", "))"
        if !absent.isEmpty { message += "; absent (their features fall back): \(absent.joined(separator: ", "))" }
        return DoctorCheck("booknetic columns", .ok, message)
    }

    func migrationsCheck(pool: MariaDBPool, prefix: TablePrefix, inspection: DatabaseInspection) async -> DoctorCheck {
        do {
            let steps = try await Migrator(pool: pool, prefix: prefix, logger: logger).migrate(dryRun: true).applied
            if steps.isEmpty { return DoctorCheck("migrations", .ok, "current") }
            let pending = steps.map(\.version)
            // Narrow grants (one line per table) must name the tables `migrate` is about to create.
            var created = steps.flatMap { $0.statements.compactMap(Self.createdTable) }
            if pending.contains("0001") { created.insert(prefix.bareName("campaign_migrations"), at: 0) }
            if let refused = try await inspection.tablesWithoutCreate(created), !refused.isEmpty {
                return DoctorCheck(
                    "migrations", .fail,
                    "\(pending.count) to apply, and the database user may not create \(refused.joined(separator: ", ")): "
                        + "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX ON each of them (docs/deploy.md), then run `bkntc-campaigns migrate`"
                )
            }
            return DoctorCheck(
                "migrations", .warn,
                "\(pending.count) to apply (\(pending.joined(separator: ", "))): run `bkntc-campaigns migrate` (the service unit does before it starts)"
            )
        } catch {
            return DoctorCheck("migrations", .fail, "could not be read: \(error)")
        }
    }

    /// The table a `CREATE TABLE` statement creates, unquoted; nil for any other statement.
    static func createdTable(_ statement: String) -> String? {
        let words = statement.split(whereSeparator: \.isWhitespace).map(String.init)
        guard words.count >= 3, words[0].uppercased() == "CREATE", words[1].uppercased() == "TABLE" else { return nil }
        let name = words[2].uppercased() == "IF" && words.count >= 6 ? words[5] : words[2]
        return name.split(separator: "(").first.map { $0.trimmingCharacters(in: ["`"]) }
    }
}
