import CampaignStore
import Campaigns
import Foundation
import Logging
import MariaDB

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
    let pool: MariaDBPool
    let lockName: String
    let wake: WakeSignal?

    /// `pool` is the engine's; the lock is named after the database and table prefix, so
    /// replicas of one site share it and other sites on the server do not.
    public init(engine: SendingEngine, pool: MariaDBPool, prefix: TablePrefix, wake: WakeSignal?) {
        self.engine = engine
        self.pool = pool
        self.lockName = "bkntc_campaigns_tick:\(pool.configuration.database):\(prefix.value)".prefix(64).description
        self.wake = wake
    }

    public func run(mode: TickReport.Mode) async throws -> TickReport {
        let started = ContinuousClock.now
        var report = TickReport(mode: mode, locked: false)
        try await pool.withConnection { db in
            let acquired = try await db.queryFirst("SELECT GET_LOCK(\(lockName), 0) AS got")?.decode("got", as: Int?.self)
            guard acquired == 1 else {
                report.locked = true
                return
            }
            do {
                try await work(db, mode: mode, report: &report)
                _ = try await db.query("SELECT RELEASE_LOCK(\(lockName)) AS released")
            } catch {
                _ = try? await db.query("SELECT RELEASE_LOCK(\(lockName)) AS released")
                throw error
            }
        }
        report.durationMs = Int((ContinuousClock.now - started).seconds * 1000)
        return report
    }

    private func work(_ db: MariaDBSession, mode: TickReport.Mode, report: inout TickReport) async throws {
        report.activated = try await engine.activateDue(db)
        if mode == .worker {
            wake?.signal()
            return
        }
        _ = try await engine.recover(db)
        let campaigns = try await engine.activeCampaigns(db, limit: engine.configuration.campaignsPerTick)
        report.campaigns = campaigns.count
        var counts = SendCounts()
        for campaign in campaigns {
            counts = counts + (try await engine.processBatch(db, campaign: campaign, limit: engine.configuration.batchSize))
        }
        report.sent = counts.sent
        report.failed = counts.failed
        report.retrying = counts.retrying
        report.skipped = counts.skipped
    }
}
