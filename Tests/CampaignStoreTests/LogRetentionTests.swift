@testable import CampaignStore
import Campaigns
import Foundation
import Synchronization
import MariaDB
import TestSupport
import Testing

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
                try await db.query("SELECT CONCAT(campaign_id, '/', run, ':', COUNT(*)) AS k FROM `wpr_bkntc_campaign_logs` GROUP BY campaign_id, run ORDER BY campaign_id, run")
                    .map { try $0.decode("k") }
            }
            #expect(left == ["1/2:10", "2/1:5", "4/1:4"])
            #expect(try await retention.runOnce().rows == 0, "a second pass finds nothing")
        }
    }
}
