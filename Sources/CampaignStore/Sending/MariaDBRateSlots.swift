import Campaigns
import Foundation
import MariaDB

/// Send-rate slots in `campaign_rates`, shared by every replica on the database, on one
/// connection (the engine's, or the API's for a test send).
public struct MariaDBRateSlots: RateSlots {
    let db: MariaDBSession
    let rates: SQLIdentifier

    public init(db: MariaDBSession, prefix: TablePrefix) {
        self.db = db
        self.rates = prefix.bkntc("campaign_rates")
    }

    /// Reserves up to `count` consecutive send slots of a sender at `rate` per second, shared by
    /// every replica on the database, but only slots that start by `deadline` (what cannot be
    /// sent within the lease is not reserved): one short transaction per batch. Returns the
    /// first slot and how many were reserved; the others follow at 1/`rate` s intervals.
    public func reserveSlots(sender: String, count: Int, rate: Double, now: Date, deadline: Date) async throws -> (start: Date, count: Int) {
        let rate = max(rate, 0.001)
        // The row is created outside the transaction, so two replicas' first reservations do not
        // deadlock on the shared lock INSERT IGNORE takes on an existing key.
        try await db.execute("INSERT IGNORE INTO \(identifier: rates) (sender_key, next_slot) VALUES (\(sender), \(now))")
        return try await db.withTransaction(deadlockRetries: 5) { tx in
            let next: Date =
                try await tx.queryFirst(
                    "SELECT next_slot FROM \(identifier: rates) WHERE sender_key = \(sender) FOR UPDATE"
                )?.decode("next_slot") ?? now
            let start = max(next, now)
            let fitting = start > deadline ? 0 : min(count, Int(deadline.timeIntervalSince(start) * rate) + 1)
            if fitting > 0 {
                try await tx.execute(
                    """
                    UPDATE \(identifier: rates) SET next_slot = \(start.addingTimeInterval(Double(fitting) / rate))
                    WHERE sender_key = \(sender)
                    """)
            }
            return (start, fitting)
        }
    }
}
