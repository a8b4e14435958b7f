import Campaigns
import Foundation
import MariaDB

/// A broadcast's campaigns are activated and rescheduled together (DESIGN §14): one due
/// channel activates every due channel of its broadcast in one transaction (so `first` mode can
/// leave earlier channels' customers out), and a recurring broadcast goes back to `scheduled`
/// only once none of its channels is still running, all at the same next time.
extension MariaDBScheduler {
    /// Activates the due scheduled campaigns of broadcast `broadcastID` in one transaction, the
    /// broadcast row locked first (as the API locks it); returns the ids snapshotted.
    func activateBroadcast(_ broadcastID: Int, scope: TenantScope, countryCode: String?, now: Date) async throws -> [Int] {
        let broadcasts = MariaDBBroadcastRepository(campaigns: campaigns)
        return try await db.withTransaction { tx in
            guard let broadcast = try await broadcasts.require(tx, scope: scope, id: broadcastID, lock: true) else { return [] }
            let members = try await tx.query(
                "SELECT * FROM \(identifier: table) WHERE tenant_key = \(scope.key) AND broadcast_id = \(broadcastID) ORDER BY id FOR UPDATE"
            ).map(MariaDBCampaignRepository.campaign)
            let due = members.filter { $0.status == .scheduled && ($0.scheduledAt ?? .distantFuture) <= now }.sorted {
                (broadcast.channels.firstIndex(of: $0.channel) ?? 9) < (broadcast.channels.firstIndex(of: $1.channel) ?? 9)
            }
            if due.isEmpty { return [] }
            _ = try await campaigns.snapshot(tx, broadcast: broadcast, due, scope: scope, countryCode: countryCode, now: now, by: nil)
            return due.map(\.id)
        }
    }

    /// `campaignIDs` with broadcasts resolved: a broadcast campaign counts only when none of
    /// its broadcast's campaigns is queued, sending or paused, and then brings all of them.
    func withBroadcastSiblings(_ campaignIDs: [Int]) async throws -> [Int] {
        let rows = try await db.query(
            "SELECT id, broadcast_id FROM \(identifier: table) WHERE id IN (\(list: campaignIDs)) AND broadcast_id IS NOT NULL")
        if rows.isEmpty { return campaignIDs }
        var result = Set(campaignIDs)
        var broadcastIDs = Set<Int>()
        for row in rows {
            result.remove(try row.decode("id", as: Int.self))
            broadcastIDs.insert(try row.decode("broadcast_id", as: Int.self))
        }
        for broadcastID in broadcastIDs.sorted() {
            let members = try await db.query(
                "SELECT id, status FROM \(identifier: table) WHERE broadcast_id = \(broadcastID)")
            let statuses = try members.map { try $0.decode("status", as: CampaignStatus.self) }
            if statuses.contains(where: { [.queued, .sending, .paused].contains($0) }) { continue }
            for member in members { result.insert(try member.decode("id", as: Int.self)) }
        }
        return result.sorted()
    }
}
