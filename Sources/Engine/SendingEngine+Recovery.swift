import Campaigns
import Foundation
import Logging

/// Crash recovery: rows whose lease ran out are resolved by lookup, never by a blind resend.
extension SendingEngine {
    /// Resolves rows whose lease ran out (a replica died mid-send): Twilio-like senders are asked
    /// whether the message went out; email rows, which cannot be looked up, fail `interrupted`.
    /// Takes every expired row in rounds of 200, looking them up side by side within the
    /// engine's concurrency, so a killed replica's batch is back in a round, not minutes.
    /// Also ends campaigns whose last row ended while nobody finalized them.
    public func recover(_ store: EngineStore) async throws -> Int {
        let now = clock.now()
        var touched = Set<Int>()
        var resolved = 0
        // A killed batch's rows are mostly of one campaign: read each campaign once per call.
        var campaigns: [Int: Campaign?] = [:]
        for _ in 0..<25 where !stopping.isSet {
            let expired = try await store.queue.expiredLeases(claimedBefore: now.addingTimeInterval(-configuration.lease), limit: 200)
            let token = ClaimedRow.newToken(worker: configuration.workerID)
            var results: [RowResult] = []
            var toLookUp: [(ClaimedRow, OutgoingMessage)] = []
            for row in expired where try await store.queue.takeOver(row, token: token, now: now) {
                touched.insert(row.campaignID)
                if row.channel == .email {
                    results.append(.failed(id: row.id, error: .interrupted))
                } else if let campaign = try await cached(row.campaignID, in: &campaigns, store.scheduler) {
                    toLookUp.append((row, try await renderedAsSent(row, campaign: campaign, store: store)))
                } else {
                    results.append(.released(id: row.id))
                }
            }
            let answered = await lookUp(toLookUp)
            results += answered
            try await store.queue.record(results, suppress: [], claimToken: token, now: now)
            resolved += results.count
            // Taken-over rows keep their claim time (the lookup searches from it), so a row whose
            // lookup failed is expired still: the next housekeeping round asks again, not this one.
            if expired.count < 200 || answered.count < toLookUp.count { break }
        }
        let resumed = try await store.quota.resumeWithinQuota(now: now)
        if resumed > 0 { logger.info("campaigns resumed within the SMS quota", metadata: ["campaigns": "\(resumed)"]) }
        let stale = try await store.scheduler.unfinalized(limit: 100)
        let ended = try await store.scheduler.finalize(campaignIDs: Array(touched) + stale, now: now)
        try await store.scheduler.rescheduleRecurring(campaignIDs: ended, now: now)
        if resolved > 0 { logger.info("recovered rows after an expired lease", metadata: ["rows": "\(resolved)"]) }
        // Rows released or campaigns resumed are due now: the caller wakes the senders.
        return resolved + resumed
    }

    /// `id`'s campaign from `cache`, read from the store the first time (nil: it was deleted).
    func cached(_ id: Int, in cache: inout [Int: Campaign?], _ scheduler: any SchedulerStore) async throws -> Campaign? {
        if let known = cache[id] { return known }
        let campaign = try await scheduler.campaign(id: id)
        cache[id] = .some(campaign)  // a deleted campaign is remembered as nil too
        return campaign
    }

    /// Asks the sender about rows taken over from an expired lease, within the engine's
    /// concurrency: found is sent, not found goes back to pending (it never reached the
    /// provider), no lookup fails `interrupted`; a failed lookup leaves the row to the next round.
    func lookUp(_ rows: [(ClaimedRow, OutgoingMessage)]) async -> [RowResult] {
        await withTaskGroup(of: RowResult?.self) { group in
            for (row, message) in rows {
                group.addTask {
                    await permits.acquire()
                    defer { permits.release() }
                    let lookup = await sender.lookup(message)
                    if case .failed(let reason) = lookup {
                        logger.warning("lookup failed; will try again", metadata: ["log_id": "\(row.id)", "reason": "\(reason)"])
                    }
                    return OutcomeRules.recovered(row, lookup)
                }
            }
            var results: [RowResult] = []
            for await result in group { if let result { results.append(result) } }
            return results
        }
    }
}
