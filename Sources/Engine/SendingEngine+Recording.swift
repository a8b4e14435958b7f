import Campaigns
import Foundation
import Logging

/// Recording a batch's outcomes: at once on the lane's store, or late, on a lease of their own,
/// for calls a batch left running or outcomes its connection could not take.
extension SendingEngine {
    /// Records a batch's outcomes, then ends the campaign if that was its last open row.
    func finish(
        _ results: [RowResult], suppress: [SuppressionRequest], counts: SendCounts, campaign: Campaign, claimToken: String,
        store: EngineStore
    ) async throws -> SendCounts {
        try await store.queue.record(results, suppress: suppress, claimToken: claimToken, now: clock.now())
        metrics.recorded(counts, channel: campaign.channel)
        let ended = try await store.scheduler.finalize(campaignIDs: [campaign.id], now: clock.now())
        try await store.scheduler.rescheduleRecurring(campaignIDs: ended, now: clock.now())
        return counts
    }

    /// Records the calls a batch left running once they end, on a connection of their own.
    /// If that fails the rows stay `sending` and recovery's lookup resolves them after the lease.
    func handOff(
        _ running: RunningCalls, to stragglers: Stragglers, campaign: Campaign, claimToken: String
    ) {
        stragglers.adopt {
            let outcomes = await running.outcomes()
            let late = rules.tally(outcomes, now: clock.now())
            let deadline = outcomes.map(\.0.claimedAt).min().map { $0.addingTimeInterval(configuration.lease) } ?? clock.now()
            await recordLate(
                late.results, suppress: late.suppress, counts: late.counts, campaign: campaign, claimToken: claimToken,
                stores: stragglers.stores, until: deadline)
        }
    }

    /// Records outcomes on a connection of their own, trying again every half second while the
    /// database is away, until the rows' lease ends (then recovery's lookup resolves them; a
    /// recording that did land before is not repeated, since only rows still claimed change).
    func recordLate(
        _ results: [RowResult], suppress: [SuppressionRequest], counts: SendCounts, campaign: Campaign, claimToken: String,
        stores: any EngineStoreProvider, until deadline: Date
    ) async {
        var failures = 0
        while true {
            do {
                _ = try await stores.withStore { store in
                    try await finish(results, suppress: suppress, counts: counts, campaign: campaign, claimToken: claimToken, store: store)
                }
                if failures > 0 { logger.info("late outcomes recorded", metadata: ["campaign_id": "\(campaign.id)", "rows": "\(results.count)"]) }
                return
            } catch {
                failures += 1
                if clock.now().addingTimeInterval(0.5) >= deadline {
                    logger.warning(
                        "recording provider outcomes failed; recovery resolves them after the lease",
                        metadata: ["campaign_id": "\(campaign.id)", "rows": "\(results.count)", "error": "\(String(reflecting: error))"])
                    return
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}
