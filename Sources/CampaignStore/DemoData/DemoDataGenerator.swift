import Foundation
import Logging
import MariaDB

/// Fills Booknetic's tables (and the WordPress users/usermeta/options rows the sidecar reads)
/// with deterministic, realistically messy demo data: for the demo, tests and benchmarks.
///
/// Destructive: it empties every table of the Booknetic fixture first, including
/// `{prefix}users`, `{prefix}usermeta` and `{prefix}options`. Never point it at a real site.
///
/// The generator is part of the store (`CampaignStore/DemoData/`) because only the store runs
/// SQL (DESIGN §9); no path of the service calls it, only `demo-data`, `Scripts/demo` and tests.
public struct DemoDataGenerator: Sendable {
    let pool: MariaDBPool
    let prefix: TablePrefix
    let logger: Logger

    public init(pool: MariaDBPool, prefix: TablePrefix, logger: Logger) {
        self.pool = pool
        self.prefix = prefix
        self.logger = logger
    }

    /// The fixture tables the generator empties and fills (core WordPress tables unprefixed by `bkntc_`).
    static let bookneticTables = [
        "appointments", "customers", "services", "locations", "staff", "tenants", "plans", "user_role_managers",
    ]
    static let wordpressTables = ["users", "usermeta", "options"]

    /// Rows per multi-row INSERT for the big tables, and rows per transaction. Measured on a
    /// 2-core host: the server spends less CPU per row at 200–250 rows per statement than at
    /// 500 (≈ +20 %) or 1000 (≈ +45 %); much smaller batches pay per-statement overhead again.
    static let rowsPerStatement = 250
    static let rowsPerTransaction = 20_000

    /// Creates the Booknetic tables if missing (`BookneticFixture.install`), deletes the existing
    /// rows of those tables, then fills them. `progress` is called after every batch, possibly
    /// from several threads (calls are serialized and `done` never decreases within a phase).
    @discardableResult
    public func generate(
        _ options: DemoDataOptions, progress: (@Sendable (DemoDataProgress) -> Void)? = nil
    ) async throws -> DemoDataSummary {
        guard options.tenants >= 0, options.customers >= 0, options.appointments >= 0 else {
            throw DemoDataError.invalidOptions("tenants, customers and appointments must not be negative")
        }
        guard options.appointments == 0 || options.customers > 0 else {
            throw DemoDataError.invalidOptions("appointments need at least one customer")
        }
        guard options.tenants <= 100_000, options.customers <= 100_000_000, options.appointments <= 1_000_000_000 else {
            throw DemoDataError.invalidOptions("too many rows for INT(11) ids")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let layout = DemoLayout(options)
        let tracker = DemoProgressTracker(progress)
        logger.info(
            "generating demo data",
            metadata: [
                "tenants": "\(options.tenants)", "customers": "\(options.customers)",
                "appointments": "\(options.appointments)", "seed": "\(options.seed)",
            ])

        try await BookneticFixture.install(pool: pool, prefix: prefix)
        try await clearTables(tracker)
        if !layout.saas {
            // A single site has no tenants table: its presence is how an install is detected as
            // Booknetic SaaS when BKNTC_SAAS is not set (DESIGN §2).
            try await pool.withConnection { db in
                try await db.execute("DROP TABLE IF EXISTS \(identifier: prefix.bkntc("tenants")), \(identifier: prefix.bkntc("plans"))")
            }
        }

        let setup = DemoSetupRows(layout: layout, prefix: prefix)
        let tables = setup.tables()
        tracker.start("setup", total: tables.count)
        try await pool.withTransaction { tx in
            for table in tables {
                try await tx.executeSequence(table.statements())
                tracker.advance("setup", by: 1)
            }
        }

        let rows = DemoRows(layout: layout, plan: DemoCustomerPlan(layout: layout))
        let workers = max(1, min(Self.workerCount, pool.configuration.maxConnections))
        let customerInsert = DemoBatchInsert(
            table: prefix.bkntc("customers"), columns: DemoRows.customerColumns, rowsPerStatement: Self.rowsPerStatement)
        try await fill(phase: "customers", count: layout.customers, insert: customerInsert, workers: workers, tracker: tracker) {
            rows.customer($0, into: &$1)
        }
        let appointmentInsert = DemoBatchInsert(
            table: prefix.bkntc("appointments"), columns: DemoRows.appointmentColumns,
            rowsPerStatement: Self.rowsPerStatement)
        try await fill(
            phase: "appointments", count: layout.appointments, insert: appointmentInsert, workers: workers,
            tracker: tracker
        ) {
            rows.appointment($0, into: &$1)
        }

        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let summary = DemoDataSummary(
            tenants: layout.tenants, customers: layout.customers, appointments: layout.appointments,
            users: layout.userCount, orphanAppointments: layout.orphanAppointmentCount, seconds: seconds)
        logger.info(
            "demo data ready",
            metadata: [
                "seconds": "\(String(format: "%.2f", seconds))", "users": "\(summary.users)",
                "orphan_appointments": "\(summary.orphanAppointments)",
            ])
        return summary
    }

    /// Connections used to fill the big tables at once: the server parses each connection's
    /// statements on one thread, so two connections keep a 2-core host busy (one generates rows
    /// while the other waits for the server); larger hosts get a few more.
    static let workerCount = min(4, max(2, ProcessInfo.processInfo.activeProcessorCount / 2))

    /// Empties the fixture tables: TRUNCATE (fast, resets AUTO_INCREMENT), or DELETE where the
    /// account may not truncate.
    private func clearTables(_ tracker: DemoProgressTracker) async throws {
        let names = Self.bookneticTables.map(prefix.bkntc) + Self.wordpressTables.map(prefix.wordpress)
        tracker.start("clearing", total: names.count)
        try await pool.withConnection { db in
            for name in names {
                do {
                    try await db.executeRaw(RawSQL(trusted: "TRUNCATE TABLE \(name.text)"))
                } catch let error as MariaDBError where !error.isConnectionError {
                    logger.debug("TRUNCATE refused, deleting instead", metadata: ["table": "\(name)", "error": "\(error.detail)"])
                    try await db.execute("DELETE FROM \(identifier: name)")
                }
                tracker.advance("clearing", by: 1)
            }
        }
    }

    /// Inserts rows `0..<count` from `workers` connections; each takes the next chunk of
    /// `rowsPerTransaction` rows and writes it in one transaction, in one hop to the thread pool.
    private func fill(
        phase: String, count: Int, insert: DemoBatchInsert, workers: Int, tracker: DemoProgressTracker,
        row: @escaping @Sendable (Int, inout [MariaDBBind]) -> Void
    ) async throws {
        tracker.start(phase, total: count)
        guard count > 0 else { return }
        let chunks = DemoChunkQueue(count: count, chunkSize: Self.rowsPerTransaction)
        let pool = self.pool
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<min(workers, (count + Self.rowsPerTransaction - 1) / Self.rowsPerTransaction) {
                group.addTask {
                    while let chunk = chunks.next() {
                        try Task.checkCancellation()
                        try await pool.withTransaction { tx in
                            let cursor = DemoChunkCursor(chunk)
                            try await tx.executeSequence {
                                guard let rows = cursor.next(insert.rowsPerStatement) else { return nil }
                                var binds: [MariaDBBind] = []
                                binds.reserveCapacity(rows.count * insert.bindsPerRow)
                                for index in rows { row(index, &binds) }
                                tracker.advance(phase, by: rows.count)
                                return try MariaDBQuery(compiled: insert.sql(rows: rows.count), binds: binds)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
