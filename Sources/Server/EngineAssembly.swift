import CampaignStore
import Campaigns
import Engine
import Foundation
import Logging
import MariaDB
import Messaging
import ServiceLifecycle

/// The sending engine as the service runs it: its own small pool (so API traffic and long CSV
/// streams cannot starve it), the sender chosen by `BKNTC_PROVIDER`, the worker and the tick.
public struct EngineAssembly: Sendable {
    public let pool: MariaDBPool
    /// The sender's own connections (provider settings, the outbox): a provider call made while
    /// a lane holds its lease never waits behind API requests (which are shed under overload).
    public let senderPool: MariaDBPool
    public let engine: SendingEngine
    public let tick: CronTick
    public let worker: Worker?
    public let metrics: EngineMetrics
    /// The live sender's blocking libcurl threads (nil in outbox mode).
    public let transport: CurlTransport?
    /// Booknetic's provider settings per tenant (shared with `/api/v1/me` and the webhooks).
    public let providers: MariaDBProviderConfiguration
    /// The sender, for test sends outside the queue.
    public let sender: any MessageSender
    /// The tenants' WhatsApp templates (the live provider's; the outbox lists none).
    public let whatsappTemplates: any WhatsAppTemplateSource
    /// The versions of the tenants' settings, shared with the API so a change applies to the
    /// engine at once (DESIGN §10).
    public let settingsVersions: SettingsVersions

    /// `apiPool` serves the API's provider settings; the sender reads and writes through a pool of its own.
    public init(config: ServiceConfiguration, apiPool: MariaDBPool, saas: Bool, clock: any WallClock, logger: Logger) {
        self.init(config: config, apiPool: apiPool, installation: InstallationMode(saas: saas), clock: clock, logger: logger)
    }

    /// `installation` may still be unknown (detected later); webhooks wait for it.
    public init(config: ServiceConfiguration, apiPool: MariaDBPool, installation: InstallationMode, clock: any WallClock, logger: Logger) {
        var database = config.database
        database.maxConnections = config.enginePoolSize
        // The engine's own work waits its turn; only API requests are shed.
        database.maxWaiters = .max
        let pool = MariaDBPool(configuration: database, logger: logger)
        let versions = SettingsVersions(clock: clock)
        self.settingsVersions = versions
        let settings = MariaDBSiteSettings(
            pool: pool, prefix: config.prefix, fallbackCountryCode: config.defaultCountryCode, clock: clock, versions: versions)
        let campaigns = MariaDBCampaignRepository(pool: pool, prefix: config.prefix, settings: settings, clock: clock)
        let sender: any MessageSender
        let providers = MariaDBProviderConfiguration(pool: apiPool, prefix: config.prefix, installation: installation, clock: clock)
        var senderDatabase = config.database
        senderDatabase.maxConnections = config.sendConcurrency + 1
        senderDatabase.maxWaiters = .max
        let senderPool = MariaDBPool(configuration: senderDatabase, logger: logger)
        let senderProviders = MariaDBProviderConfiguration(pool: senderPool, prefix: config.prefix, installation: installation, clock: clock)
        switch config.provider {
        case .outbox:
            sender = MariaDBOutboxSender(pool: senderPool, prefix: config.prefix, clock: clock)
            transport = nil
            whatsappTemplates = NoWhatsAppTemplates()
        case .live:
            let transport = CurlTransport(policy: config.transportPolicy, threads: config.sendConcurrency + 2)
            var smtp = SMTPSender(
                transport: transport, providers: senderProviders, publicURL: config.publicURL, secret: config.secret, clock: clock,
                logger: logger)
            smtp.allowPrivateHosts = config.allowPrivateSMTP
            sender = LiveSender(
                twilio: TwilioSender(
                    transport: transport, apiBase: config.twilioAPIBase, providers: senderProviders, publicURL: config.publicURL,
                    logger: logger),
                smtp: smtp)
            self.transport = transport
            whatsappTemplates = TwilioContentTemplates(
                transport: transport, contentBase: TwilioContentTemplates.contentBase(forAPIBase: config.twilioAPIBase), providers: providers,
                logger: logger)
        }
        self.providers = providers
        self.sender = sender
        let metrics = EngineMetrics()
        let engine = SendingEngine(configuration: config.engineConfiguration(), sender: sender, clock: clock, metrics: metrics, logger: logger)
        let stores = MariaDBEngineStoreProvider(pool: pool, prefix: config.prefix, campaigns: campaigns, settings: settings, clock: clock)
        let wake = WakeSignal()
        self.pool = pool
        self.senderPool = senderPool
        self.engine = engine
        self.metrics = metrics
        // The lanes, plus a connection for housekeeping and the tick.
        self.worker =
            config.workerEnabled
            ? Worker(engine: engine, stores: stores, wake: wake, logger: logger, lanes: max(1, min(2, config.enginePoolSize - 2))) : nil
        self.tick = CronTick(engine: engine, stores: stores, wake: config.workerEnabled ? wake : nil)
    }

    /// Closes the engine's pool and provider threads (one-shot commands; `serve` stops them as services).
    public func close() async {
        await transport?.shutdown()
        await senderPool.close()
        await pool.close()
    }

    /// The tick's mode: the worker's when it runs, Booknetic's cron batches otherwise.
    public var mode: TickReport.Mode { worker == nil ? .cron : .worker }
}

/// Stops the provider threads on graceful shutdown, after the worker's last calls.
struct TransportService: Service {
    let transport: CurlTransport

    func run() async throws {
        try? await gracefulShutdown()
        await transport.shutdown()
    }
}
