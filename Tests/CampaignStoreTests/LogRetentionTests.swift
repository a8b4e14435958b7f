import Campaigns
import Foundation
import MariaDB
import Synchronization
import TestSupport
import Testing

@testable import CampaignStore

/// `BKNTC_LOG_RETENTION_DAYS` (DESIGN §20): exactly the rows of runs that ended before the cutoff
/// go, in batches, and nothing else — not a run with a pending row however old, not a run whose
/// last row changed after the cutoff.
@Suite("Log retention", .serialized)
struct LogRetentionTests {
    @Test func onlyRunsThatEndedBeforeTheCutoffAreDeleted() async throws {
        let pool = try await TestDatabase.create("retention")
        try await TestDatabase.dropping(pool) {
            let prefix = try TablePrefix("wpr_")
            try await Migrator(pool: pool, prefix: prefix, logger: TestDatabase.logger).migrate()
            let now = Date(timeIntervalSince1970: 1_900_000_000)
            let day: TimeInterval = 86_400
            // (campaign, run, rows, status of the last row, days since its last change)
            let runs: [(Int, Int, Int, String, Double)] = [
                (1, 1, 2_500, "sent", 800),  // ended 800 days ago: goes, in three batches
                (1, 2, 10, "delivered", 10),  // ended 10 days ago: stays
                (2, 1, 5, "pending", 900),  // never ended: stays, however old
                (3, 1, 4, "failed", 731),  // ended just over 730 days ago: goes
                (4, 1, 4, "undelivered", 729),  // a late callback 729 days ago: stays
            ]
            try await pool.withConnection { db in
                for (campaign, run, count, lastStatus, age) in runs {
                    let old = now.addingTimeInterval(-1_000 * day)
                    let rows = (0..<count).map { n -> MariaDBQuery in
                        let last = n == count - 1
                        let changed = last ? now.addingTimeInterval(-age * day) : old
                        let status = last ? lastStatus : "sent"
                        let address = "+4477009\(campaign)\(run)\(String(format: "%04d", n))"
                        return """
                            INSERT INTO `wpr_bkntc_campaign_logs` (campaign_id, run, channel, address, status, created_at, updated_at)
                            VALUES (\(campaign), \(run), 'sms', \(address), \(status), \(old), \(changed))
                            """
                    }
                    let next = Mutex(0)
                    _ = try await db.executeSequence {
                        next.withLock { index in
                            defer { index += 1 }
                            return index < rows.count ? rows[index] : nil
                        }
                    }
                }
            }
            let retention = LogRetention(pool: pool, prefix: prefix, clock: ManualClock(now), days: 730)
            let pass = try await retention.runOnce()
            #expect(pass.runs == 2)
            #expect(pass.rows == 2_504)
            #expect(pass.batches == 4, "2,500 rows in batches of 1,000, then 4 rows")
            let left: [String] = try await pool.withConnection { db in
                try await db.query(
                    "SELECT CONCAT(campaign_id, '/', run, ':', COUNT(*)) AS k FROM `wpr_bkntc_campaign_logs` GROUP BY campaign_id, run ORDER BY campaign_id, run"
                )
                .map { try $0.decode("k") }
            }
            #expect(left == ["1/2:10", "2/1:5", "4/1:4"])
            #expect(try await retention.runOnce().rows == 0, "a second pass finds nothing")
        }
    }

    /// `BKNTC_RETENTION_BENCH=1 Scripts/test --filter LogRetention`: a million rows in 100 ended
    /// runs and one live run; prints the lookup's and the longest batch's time (README figures).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BKNTC_RETENTION_BENCH"] == "1"))
    func benchmarkAMillionRows() async throws {
        let pool = try await TestDatabase.create("retention_bench")
        try await TestDatabase.dropping(pool) {
            let prefix = try TablePrefix("wpb_")
            try await Migrator(pool: pool, prefix: prefix, logger: TestDatabase.logger).migrate()
            let now = Date(timeIntervalSince1970: 1_900_000_000)
            let old = now.addingTimeInterval(-800 * 86_400)
            try await pool.withConnection { db in
                // 101 runs of 10,000 rows: campaign 1…100 ended long ago, campaign 101 still sending.
                try await db.execute(
                    """
                    INSERT INTO `wpb_bkntc_campaign_logs` (campaign_id, run, channel, address, status, created_at, updated_at)
                    SELECT 1 + seq DIV 10000, 1, 'sms', CONCAT('+44770', LPAD(seq, 7, '0')),
                           IF(seq >= 1000000 AND seq % 2 = 0, 'pending', 'sent'), \(old), \(old)
                    FROM seq_0_to_1009999
                    """)
            }
            let retention = LogRetention(pool: pool, prefix: prefix, clock: ManualClock(now), days: 730)
            let lookup = ContinuousClock.now
            let runs = try await retention.endedRuns(before: now.addingTimeInterval(-730 * 86_400))
            let lookupTime = ContinuousClock.now - lookup
            let started = ContinuousClock.now
            let pass = try await retention.runOnce()
            print(
                "LogRetention: 1,010,000 rows, \(runs.count) ended runs found in \(lookupTime); deleted \(pass.rows) rows in \(pass.batches) "
                    + "batches in \(ContinuousClock.now - started), longest batch \(pass.longestBatch)")
            #expect(pass.rows == 1_000_000)
        }
    }
}
