import Campaigns
import Foundation
import Logging
import MariaDB
import Schema

/// A migration failure, naming the file and the statement that failed.
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    case statementFailed(file: String, statement: Int, sql: String, detail: String)
    case unreadableSchema(String)
    /// Another `migrate` held the database's migration lock for the whole wait.
    case lockTimeout(seconds: Int)

    public var description: String {
        switch self {
        case .lockTimeout(let seconds):
            "another migrate held the migration lock for \(seconds) s; try again when it has finished"
        case .statementFailed(let file, let statement, let sql, let detail):
            "migration \(file) failed at statement \(statement) (\(sql.prefix(80))…): \(detail)"
        case .unreadableSchema(let detail): "cannot read the schema files: \(detail)"
        }
    }
}

/// What `migrate` did or, with `dryRun`, would do.
public struct MigrationReport: Sendable {
    public struct Step: Sendable {
        public let version: String
        public let statements: [String]
    }
    public let applied: [Step]
    public let alreadyApplied: [String]
}

/// Applies the SQL files of `Schema/migrations` in order, records each in
/// `{prefix}bkntc_campaign_migrations`, and skips those already recorded (idempotent).
public struct Migrator: Sendable {
    let pool: MariaDBPool
    let prefix: TablePrefix
    let logger: Logger
    let clock: any WallClock
    /// Replaces the shipped files (tests use it to exercise failures).
    let overrideFiles: [SchemaFiles.File]?

    public init(pool: MariaDBPool, prefix: TablePrefix, logger: Logger, clock: any WallClock = SystemClock()) {
        self.init(pool: pool, prefix: prefix, logger: logger, clock: clock, files: nil)
    }

    init(pool: MariaDBPool, prefix: TablePrefix, logger: Logger, clock: any WallClock = SystemClock(), files: [SchemaFiles.File]?) {
        self.pool = pool
        self.prefix = prefix
        self.logger = logger
        self.clock = clock
        self.overrideFiles = files
    }

    /// Applies pending migrations (or only reports them with `dryRun`); optional files (the
    /// Booknetic index) are included when `includeOptional` is set.
    @discardableResult
    public func migrate(dryRun: Bool = false, includeOptional: Bool = false) async throws -> MigrationReport {
        let files = try overrideFiles ?? Self.files(includeOptional: includeOptional)
        let table = prefix.bkntc("campaign_migrations")
        return try await pool.withConnection { db in
            // One migrate at a time per database and prefix (DESIGN §20): replicas that start
            // together wait for the first, then find its work done. The lock is the
            // connection's, so a migrate that dies releases it.
            let lock = lockName
            if !dryRun {
                let got: Int? = try await db.queryFirst("SELECT GET_LOCK(\(lock), \(Self.lockWait)) AS got")?.decode("got")
                guard got == 1 else { throw MigrationError.lockTimeout(seconds: Self.lockWait) }
            }
            do {
                let report = try await apply(files, table: table, dryRun: dryRun, on: db)
                if !dryRun { _ = try await db.query("SELECT RELEASE_LOCK(\(lock))") }
                return report
            } catch {
                if !dryRun { _ = try? await db.query("SELECT RELEASE_LOCK(\(lock))") }
                throw error
            }
        }
    }

    /// Applies the files not yet recorded, on `db` (under the lock unless `dryRun`).
    private func apply(_ files: [SchemaFiles.File], table: SQLIdentifier, dryRun: Bool, on db: MariaDBSession) async throws
        -> MigrationReport
    {
        let done = try await appliedVersions(db)
        if !dryRun {
            try await db.executeRaw(RawSQL(trusted: Self.bootstrap(table.text)))
        }
        var applied: [MigrationReport.Step] = []
        var skipped: [String] = []
        for file in files {
            let version = Self.version(of: file)
            if done.contains(version) {
                skipped.append(version)
                continue
            }
            let statements = SQLScript.statements(in: prefix.apply(to: file.sql))
            if !dryRun {
                for (index, statement) in statements.enumerated() {
                    do {
                        try await db.executeRaw(RawSQL(trusted: statement))
                    } catch let error as MariaDBError {
                        throw MigrationError.statementFailed(
                            file: file.name, statement: index + 1, sql: statement, detail: error.detail)
                    }
                }
                try await db.execute(
                    "INSERT INTO \(identifier: table) (version, name, applied_at) VALUES (\(version), \(file.name), \(clock.now()))")
                logger.info("applied migration", metadata: ["version": "\(version)", "file": "\(file.name)"])
            }
            applied.append(.init(version: version, statements: statements))
        }
        return MigrationReport(applied: applied, alreadyApplied: skipped)
    }

    /// How long a migrate waits for another to finish (seconds).
    static let lockWait = 120

    /// The server-wide name of this database's and prefix's migration lock (≤ 64 characters).
    var lockName: String {
        let key = "\(pool.configuration.database)/\(prefix.bkntc("campaign_migrations").text)"
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "bkntc-campaigns-migrate-" + String(hash, radix: 16)
    }

    /// Whether every required migration is recorded (for `/ready`).
    public func isCurrent() async throws -> Bool {
        let required = Set(try (overrideFiles ?? Self.files(includeOptional: false)).map(Self.version(of:)))
        let done = try await pool.withConnection { try await appliedVersions($0) }
        return required.isSubset(of: done)
    }

    private func appliedVersions(_ db: MariaDBSession) async throws -> Set<String> {
        guard try await db.tableExists(prefix.bareName("campaign_migrations")) else { return [] }
        let rows = try await db.query("SELECT version FROM \(identifier: prefix.bkntc("campaign_migrations"))")
        return Set(try rows.map { try $0.decode("version", as: String.self) })
    }

    /// The shipped files, read once per process (`/ready` asks on every probe).
    private static let shipped: Result<(required: [SchemaFiles.File], optional: [SchemaFiles.File]), MigrationError> = {
        do {
            return .success((try SchemaFiles.migrations(), try SchemaFiles.optional()))
        } catch {
            return .failure(.unreadableSchema("\(error)"))
        }
    }()

    private static func files(includeOptional: Bool) throws -> [SchemaFiles.File] {
        let files = try shipped.get()
        return files.required + (includeOptional ? files.optional : [])
    }

    static func version(of file: SchemaFiles.File) -> String {
        String(file.name.prefix { $0 != "_" && $0 != "." })
    }

    private static func bootstrap(_ table: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(table) (
            `version` VARCHAR(64) NOT NULL,
            `name` VARCHAR(190) NOT NULL,
            `applied_at` DATETIME NOT NULL,
            PRIMARY KEY (`version`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
        """
    }
}
