import Campaigns
import Foundation
import Logging

/// The answer of `POST /api/v1/cron/tick` and `bkntc-campaigns tick` (DESIGN §6).
public struct TickReport: Sendable, Hashable, Codable {
    public enum Mode: String, Sendable, Codable { case worker, cron }
    public var mode: Mode
    public var locked: Bool
    public var activated = 0
    public var campaigns = 0
    public var sent = 0
    public var failed = 0
    public var retrying = 0
    public var skipped = 0
    public var durationMs = 0

    public init(mode: Mode, locked: Bool) {
        self.mode = mode
        self.locked = locked
    }
}

/// One tick under the database runtime lock (`GET_LOCK`), held on one connection for the whole
/// tick. Cron mode (Booknetic's design) activates due schedules, then sends one batch of
/// `batchSize` rows for each of up to `campaignsPerTick` campaigns; worker mode only activates
/// and wakes the worker. A tick that finds the lock held answers at once.
public struct CronTick: Sendable {
    let engine: SendingEngine
    let stores: any EngineStoreProvider
    let wake: WakeSignal?

    /// `stores` leases from the engine's pool; its lock is named after the site, so replicas of
    /// one site share it and other sites on the server do not.
    public init(engine: SendingEngine, stores: any EngineStoreProvider, wake: WakeSignal?) {
        self.engine = engine
        self.stores = stores
        self.wake = wake
    }

    public func run(mode: TickReport.Mode) async throws -> TickReport {
        let started = ContinuousClock.now
        let result = try await stores.withLock(stores.tickLockName) { store in
            var report = TickReport(mode: mode, locked: false)
            try await work(store, mode: mode, report: &report)
            return report
        }
        var report = result ?? TickReport(mode: mode, locked: true)
        report.durationMs = Int((ContinuousClock.now - started).seconds * 1000)
        return report
    }

    private func work(_ store: EngineStore, mode: TickReport.Mode, report: inout TickReport) async throws {
        report.activated = try await engine.activateDue(store)
        if mode == .worker {
            wake?.signal()
            return
        }
        _ = try await engine.recover(store)
        let campaigns = try await engine.activeCampaigns(store, limit: engine.configuration.campaignsPerTick)
        report.campaigns = campaigns.count
        var counts = SendCounts()
        for campaign in campaigns {
            counts = counts + (try await engine.processBatch(store, campaign: campaign, limit: engine.configuration.batchSize))
        }
        report.sent = counts.sent
        report.failed = counts.failed
        report.retrying = counts.retrying
        report.skipped = counts.skipped
    }
}
