import Campaigns
import Foundation
import MariaDB
import Synchronization

/// Deletes a table's expired rows (`expires_at` in the past) deterministically and boundedly
/// (DESIGN §13): at most `batchSize` rows at a time, on the lease of a write that happens anyway.
/// It serves the nonces, the sessions and the idempotency keys (DESIGN §21: 24 h after their
/// first use).
/// While a purge finds a full batch the next write purges again; once it finds less, the table is
/// clean and the next purge waits `interval` seconds of the injected clock.
public final class ExpiredRowPurge: Sendable {
    /// Rows one purge deletes at most.
    public static let batchSize = 1000
    /// Seconds between purges once the backlog is gone.
    public static let interval: TimeInterval = 60

    private let table: SQLIdentifier
    private let clock: any WallClock
    /// When the next purge is due (nil: at the next write).
    private let due = Mutex<Date?>(nil)

    init(table: SQLIdentifier, clock: any WallClock) {
        self.table = table
        self.clock = clock
    }

    /// Purges on `db` when a purge is due. A purge that fails (a lock another replica's purge
    /// holds) fails nothing else: it is tried again after the interval.
    func runIfDue(on db: some MariaDBQueryable) async {
        let now = clock.now()
        let isDue = due.withLock { due in
            guard due.map({ $0 <= now }) ?? true else { return false }
            // Whoever purges now holds off concurrent writers until it knows what it found.
            due = now.addingTimeInterval(Self.interval)
            return true
        }
        guard isDue else { return }
        let purged = try? await db.execute(
            "DELETE FROM \(identifier: table) WHERE expires_at < \(now) ORDER BY expires_at LIMIT \(Self.batchSize)")
        if let purged, purged.affectedRows >= Self.batchSize { due.withLock { $0 = nil } }
    }
}
