import Campaigns
import Foundation
import MariaDB

/// Deletes the log rows of runs that ended longer ago than the retention (DESIGN §20,
/// `BKNTC_LOG_RETENTION_DAYS`): a run has ended when none of its rows is pending or sending,
/// and it ended when its last row last changed. Rows go in batches of `batchSize`, each on a
/// lease of its own, so no statement holds locks for long and the engine never waits on it.
public struct LogRetention: Sendable {
    /// Rows one statement deletes at most.
    public static let batchSize = 1_000
    /// Ended runs one pass looks up at a time.
    static let runsPerLookup = 200

    let pool: MariaDBPool
    let logs: SQLIdentifier
    /// Tracked links go with their log rows (DESIGN §20).
    let links: SQLIdentifier
    let clock: any WallClock
    /// Days a run's rows are kept after it ended (> 0).
    public let days: Int

    public init(pool: MariaDBPool, prefix: TablePrefix, clock: any WallClock, days: Int) {
        self.pool = pool
        self.logs = prefix.bkntc("campaign_logs")
        self.links = prefix.bkntc("campaign_links")
        self.clock = clock
        self.days = days
    }

    /// What one pass did.
    public struct Pass: Sendable, Hashable {
        public var runs = 0
        public var rows = 0
        public var batches = 0
        /// The longest single DELETE.
        public var longestBatch: Duration = .zero
    }

    /// Deletes every ended run older than the cutoff, batch by batch, until none is left.
    public func runOnce() async throws -> Pass {
        let cutoff = clock.now().addingTimeInterval(-Double(days) * 86_400)
        var pass = Pass()
        while true {
            let runs = try await endedRuns(before: cutoff)
            if runs.isEmpty { return pass }
            for (campaign, run) in runs {
                pass.runs += 1
                while true {
                    let started = ContinuousClock.now
                    let deleted = try await pool.withConnection { db in
                        let ids = try await db.query(
                            "SELECT id FROM \(identifier: logs) WHERE campaign_id = \(campaign) AND run = \(run) LIMIT \(Self.batchSize)"
                        ).map { try $0.decode("id", as: Int.self) }
                        if ids.isEmpty { return 0 }
                        // The links first: a pass cut short leaves no link without its row.
                        try await db.execute("DELETE FROM \(identifier: links) WHERE log_id IN (\(list: ids))")
                        return try await db.execute("DELETE FROM \(identifier: logs) WHERE id IN (\(list: ids))").affectedRows
                    }
                    pass.longestBatch = max(pass.longestBatch, ContinuousClock.now - started)
                    pass.batches += 1
                    pass.rows += deleted
                    if deleted < Self.batchSize { break }
                }
            }
        }
    }

    /// Runs with no pending or sending row whose last change is before `cutoff`.
    func endedRuns(before cutoff: Date) async throws -> [(campaign: Int, run: Int)] {
        try await pool.withConnection { db in
            try await db.query(
                """
                SELECT campaign_id, run FROM \(identifier: logs)
                GROUP BY campaign_id, run
                HAVING SUM(status IN (\(LogStatus.pending), \(LogStatus.sending))) = 0 AND MAX(updated_at) < \(cutoff)
                LIMIT \(Self.runsPerLookup)
                """
            ).map { (try $0.decode("campaign_id"), try $0.decode("run")) }
        }
    }
}
