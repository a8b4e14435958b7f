import Campaigns
import Foundation
import MariaDB

/// What `doctor` needs to know about the database (DESIGN §20), read with probes that change
/// nothing: the server's version and clock, which tables the service's user may read or write,
/// which of Booknetic's tables and optional columns exist, and whether migrations are current.
public struct DatabaseInspection: Sendable {
    /// A probe's verdict on one table.
    public enum Access: Sendable, Hashable {
        case allowed
        /// The server refused the statement for lack of a privilege.
        case denied
        /// The table does not exist.
        case missing
    }

    /// Everything the probes found.
    public struct Facts: Sendable {
        /// `VERSION()`, e.g. `10.11.6-MariaDB-0+deb12u1` or `8.0.36`.
        public var serverVersion: String
        /// The server's clock when it answered.
        public var serverNow: Date
        /// This machine's clock at the same moment: halfway through that query's round trip.
        public var localNow: Date
        /// Read access to Booknetic's and WordPress' tables, by unprefixed name (`customers`, `options`).
        public var reads: [(table: String, access: Access)]
        /// Write access (insert, update, delete) to the service's own tables, by unprefixed name;
        /// empty before the first migration.
        public var writes: [(table: String, access: Access)]
        /// Whether the user may create tables (what `migrate` does first); nil when unknown.
        public var mayCreateTables: Bool?
        /// Booknetic's optional columns, `table.column` → present.
        public var optionalColumns: [(column: String, present: Bool)]
        /// Whether `{prefix}bkntc_tenants` exists (Booknetic SaaS).
        public var saasTablesPresent: Bool
    }

    /// Booknetic's tables the service reads.
    public static let bookneticTables = ["customers", "appointments", "services", "locations", "staff"]
    /// WordPress' tables the service reads.
    public static let wordpressTables = ["options", "usermeta", "users"]
    /// The service's own tables it writes most (a probe of each kind of statement).
    public static let ownTables = ["campaigns", "campaign_logs", "campaign_suppressions"]
    /// Columns older or single-site Booknetic installs may lack (DESIGN §2).
    public static let optionalColumns = [
        ("customers", "tenant_id"), ("appointments", "locale"), ("appointments", "client_timezone"), ("services", "category_id"),
        ("customers", "category_id"),
    ]

    let pool: MariaDBPool
    let prefix: TablePrefix

    public init(pool: MariaDBPool, prefix: TablePrefix) {
        self.pool = pool
        self.prefix = prefix
    }

    /// Runs every probe on one connection; `clock` is this machine's, for the skew.
    public func inspect(clock: any WallClock) async throws -> Facts {
        try await pool.withConnection { db in
            let before = clock.now()
            let row = try await db.queryFirst("SELECT VERSION() AS version, UNIX_TIMESTAMP(NOW(6)) AS now")
            let after = clock.now()
            let version: String = try row?.decode("version") ?? ""
            let epoch: Double = try row?.decode("now") ?? 0
            var reads: [(String, Access)] = []
            for table in Self.bookneticTables {
                reads.append((table, try await probe("SELECT 1 FROM \(identifier: prefix.bkntc(table)) LIMIT 0", on: db)))
            }
            for table in Self.wordpressTables {
                reads.append((table, try await probe("SELECT 1 FROM \(identifier: prefix.wordpress(table)) LIMIT 0", on: db)))
            }
            var writes: [(String, Access)] = []
            if try await db.tableExists(prefix.bareName("campaign_migrations")) {
                for table in Self.ownTables {
                    let name = prefix.bkntc(table)
                    // Statements that touch no row still need their privilege.
                    var access = try await probe("UPDATE \(identifier: name) SET id = id WHERE 1 = 0", on: db)
                    if access == .allowed { access = try await probe("DELETE FROM \(identifier: name) WHERE 1 = 0", on: db) }
                    if access == .allowed {
                        access = try await probe("INSERT INTO \(identifier: name) SELECT * FROM \(identifier: name) WHERE 1 = 0", on: db)
                    }
                    writes.append((table, access))
                }
            }
            var columns: [(String, Bool)] = []
            for (table, column) in Self.optionalColumns {
                columns.append(("\(table).\(column)", try await db.columnExists(table: prefix.bareName(table), column: column)))
            }
            return Facts(
                serverVersion: version, serverNow: Date(timeIntervalSince1970: epoch),
                localNow: before.addingTimeInterval(after.timeIntervalSince(before) / 2), reads: reads, writes: writes,
                mayCreateTables: try await mayCreateTables(db), optionalColumns: columns,
                saasTablesPresent: try await db.tableExists(prefix.bareName("tenants")))
        }
    }

    /// The first `limit` tenants by id, and how many there are (Booknetic SaaS).
    public func tenants(limit: Int) async throws -> (ids: [Int], total: Int) {
        try await pool.withConnection { db in
            let total: Int = try await db.queryFirst("SELECT COUNT(*) AS n FROM \(identifier: prefix.bkntc("tenants"))")?.decode("n") ?? 0
            let ids: [Int] = try await db.query("SELECT id FROM \(identifier: prefix.bkntc("tenants")) ORDER BY id LIMIT \(limit)")
                .map { try $0.decode("id") }
            return (ids, total)
        }
    }

    /// Of `tables` (full names, about to be created by `migrate`), those the user may not create,
    /// when its grants name tables one by one (docs/deploy.md's narrow grants); nil when a grant
    /// covers the whole database, or the grants cannot be read (roles, say): nothing to warn of.
    public func tablesWithoutCreate(_ tables: [String]) async throws -> [String]? {
        guard !tables.isEmpty else { return [] }
        return try await pool.withConnection { db in
            // information_schema spells a grantee 'user'@'host'; CURRENT_USER() says user@host.
            let wide = try await db.queryFirst(
                """
                SELECT (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES p
                          WHERE p.GRANTEE = me.grantee AND p.PRIVILEGE_TYPE = 'CREATE')
                     + (SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES p
                          WHERE p.GRANTEE = me.grantee AND p.PRIVILEGE_TYPE = 'CREATE' AND DATABASE() LIKE p.TABLE_SCHEMA) AS n
                FROM (SELECT CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',
                                    SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''') AS grantee) AS me
                """)
            guard try wide?.decode("n", as: Int.self) == 0 else { return nil }
            let rows = try await db.query(
                """
                SELECT p.TABLE_NAME AS name, p.PRIVILEGE_TYPE AS privilege
                FROM information_schema.TABLE_PRIVILEGES p
                JOIN (SELECT CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',
                                    SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''') AS grantee) AS me
                  ON p.GRANTEE = me.grantee
                WHERE p.TABLE_SCHEMA = DATABASE()
                """)
            guard !rows.isEmpty else { return nil }
            var creatable: Set<String> = []
            for row in rows where try row.decode("privilege", as: String.self) == "CREATE" {
                creatable.insert(try row.decode("name"))
            }
            return tables.filter { !creatable.contains($0) }
        }
    }

    /// Whether the current user's grants include CREATE on this database (or everything).
    private func mayCreateTables(_ db: MariaDBSession) async throws -> Bool? {
        guard let rows = try? await db.query("SHOW GRANTS FOR CURRENT_USER()") else { return nil }
        var grants: [String] = []
        for row in rows { grants.append(try row.decode(0, as: String.self)) }
        let database: String? = try await db.queryFirst("SELECT DATABASE() AS name")?.decode("name")
        for grant in grants.map({ $0.uppercased() }) {
            guard grant.contains("ALL PRIVILEGES") || grant.contains("CREATE") else { continue }
            if grant.contains(" ON *.*") { return true }
            if let database, grant.contains(" ON `\(database.uppercased())`.*") { return true }
            // Wildcard database grants (`db\_%`): too many spellings to read, so unknown.
            if grant.contains("%") || grant.contains("_") { return nil }
        }
        return false
    }

    /// Runs a statement that changes nothing and names what stopped it, if anything.
    private func probe(_ statement: MariaDBQuery, on db: MariaDBSession) async throws -> Access {
        do {
            _ = try await db.query(statement)
            return .allowed
        } catch let error as MariaDBError {
            if error.isAccessDenied { return .denied }
            if error.isMissingTable { return .missing }
            throw error
        }
    }
}
