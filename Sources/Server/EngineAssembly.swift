import CampaignStore
import Campaigns
import Engine
import Foundation
import Logging
import MariaDB

/// The sending engine as the service runs it: its own small pool (so API traffic and long CSV
/// streams cannot starve it), the sender chosen by `BKNTC_PROVIDER`, the worker and the tick.
public struct EngineAssembly: Sendable {
    public let pool: MariaDBPool
    public let engine: SendingEngine
    public let tick: CronTick
    public let worker: Worker?
    public let metrics: EngineMetrics

    /// `apiPool` serves the outbox sender, which writes while the engine holds its own lease.
    public init(config: ServiceConfiguration, apiPool: MariaDBPool, clock: any WallClock, logger: Logger) {
        var database = config.database
        database.maxConnections = config.enginePoolSize
        let pool = MariaDBPool(configuration: database, logger: logger)
        let settings = MariaDBSiteSettings(pool: pool, prefix: config.prefix, fallbackCountryCode: config.defaultCountryCode, clock: clock)
        let campaigns = MariaDBCampaignRepository(pool: pool, prefix: config.prefix, settings: settings, clock: clock)
        let sender: any MessageSender
        switch config.provider {
        case .outbox:
            sender = MariaDBOutboxSender(pool: apiPool, prefix: config.prefix, clock: clock)
        case .live:
            sender = UnconfiguredSender(
                reason: "live Twilio and SMTP sending is not available in this build; use BKNTC_PROVIDER=outbox")
        }
        let metrics = EngineMetrics()
        let engine = SendingEngine(configuration: config.engineConfiguration(), sender: sender, clock: clock, metrics: metrics, logger: logger)
        let stores = MariaDBEngineStoreProvider(pool: pool, prefix: config.prefix, campaigns: campaigns, settings: settings, clock: clock)
        let wake = WakeSignal()
        self.pool = pool
        self.engine = engine
        self.metrics = metrics
        // The lanes, plus a connection for housekeeping and the tick.
        self.worker = config.workerEnabled
            ? Worker(engine: engine, stores: stores, wake: wake, logger: logger, lanes: max(1, min(2, config.enginePoolSize - 2))) : nil
        self.tick = CronTick(engine: engine, stores: stores, wake: config.workerEnabled ? wake : nil)
    }

    /// The tick's mode: the worker's when it runs, Booknetic's cron batches otherwise.
    public var mode: TickReport.Mode { worker == nil ? .cron : .worker }
}
