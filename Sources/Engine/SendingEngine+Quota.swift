import Campaigns
import Foundation
import Logging

/// Claims under the SMS quota of a SaaS tenant's plan (DESIGN §6).
extension SendingEngine {
    /// Claims a batch; for a SaaS tenant whose plan caps the month's SMS, the allowance is read
    /// and spent under the tenant's quota lock, so lanes and replicas never both take the last
    /// messages. At the limit the campaign pauses (rows stay pending): nil, as when the lock is busy.
    func claimWithinQuota(_ store: EngineStore, campaign: Campaign, limit: Int) async throws -> [ClaimedRow]? {
        let scope = campaign.scope
        let worker = configuration.workerID
        guard campaign.channel == .sms, try await store.quota.smsQuota(scope: scope, now: clock.now()) != nil else {
            return try await store.queue.claim(campaign: campaign, limit: limit, worker: worker, now: clock.now())
        }
        let claimed: [ClaimedRow]?? = try await store.quota.withQuotaLock(scope: scope) {
            guard let quota = try await store.quota.smsQuota(scope: scope, now: clock.now()) else {
                return try await store.queue.claim(campaign: campaign, limit: limit, worker: worker, now: clock.now())
            }
            guard quota.remaining > 0 else {
                try await store.quota.pauseForQuota(campaignID: campaign.id, now: clock.now())
                logger.info(
                    "SMS quota of the month reached; campaign paused", metadata: ["campaign_id": "\(campaign.id)", "limit": "\(quota.limit)"])
                return nil
            }
            return try await store.queue.claim(campaign: campaign, limit: min(limit, quota.remaining), worker: worker, now: clock.now())
        }
        return claimed ?? nil
    }
}
