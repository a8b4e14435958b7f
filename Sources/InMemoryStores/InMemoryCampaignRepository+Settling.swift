import Campaigns
import Foundation

/// What a test drives in place of the engine: rows settling, so a campaign's progress moves
/// and ends (the event stream's tests, DESIGN §17).
extension InMemoryCampaignRepository {
    /// How many times `progress` was read.
    public var progressReads: Int { progressReadCount.withLock { $0 } }

    /// Marks up to `count` pending rows of the campaign `status` (the campaign goes `sending`);
    /// when no row is left pending, the campaign is `completed`.
    public func settle(_ id: Int, count: Int, as status: LogStatus = .sent) {
        let now = clock.now()
        state.withLock { state in
            guard var entry = state.campaigns[id] else { return }
            var left = count
            state.logs[id] = state.logs[id, default: []].map { row in
                guard left > 0, row.status == .pending else { return row }
                left -= 1
                var row = row
                row.status = status
                row.attempts = 1
                row.sentAt = now
                return row
            }
            let pending = state.logs[id, default: []].contains { $0.status == .pending || $0.status == .sending }
            entry.campaign.status = pending ? .sending : .completed
            if !pending { entry.campaign.finishedAt = now }
            state.campaigns[id] = entry
        }
    }
}
