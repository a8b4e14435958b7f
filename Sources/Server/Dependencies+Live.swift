import CampaignStore
import Campaigns
import Engine
import Foundation
import MariaDB

extension AppDependencies {
    /// The MariaDB-backed dependencies for a configuration.
    public static func live(
        config: ServiceConfiguration, pool: MariaDBPool, saas: Bool, clock: any WallClock = SystemClock(),
        engine: EngineAssembly? = nil
    ) -> AppDependencies {
        live(config: config, pool: pool, installation: InstallationMode(saas: saas), clock: clock, engine: engine)
    }

    /// The same with an installation mode that may still be unknown (detected later). `serve`
    /// always passes its engine; without one (tests of the API on MariaDB alone) the sending
    /// side is ``NoSendingEngine``.
    public static func live(
        config: ServiceConfiguration, pool: MariaDBPool, installation: InstallationMode, clock: any WallClock = SystemClock(),
        engine: EngineAssembly? = nil
    ) -> AppDependencies {
        let prefix = config.prefix
        let versions = engine?.settingsVersions ?? SettingsVersions(clock: clock)
        let settings = MariaDBSiteSettings(
            pool: pool, prefix: prefix, fallbackCountryCode: config.defaultCountryCode, clock: clock, versions: versions)
        let queue = DatabaseProbe(clock: clock) { try await Installation.queueStatistics(pool: pool, prefix: prefix, now: clock.now()) }
        let migrations = DatabaseProbe(clock: clock) {
            try await Migrator(pool: pool, prefix: prefix, logger: .init(label: "ready")).isCurrent()
        }
        // While the mode is unknown, `/ready` tries to detect it at most once per 5 s too.
        let detection = DatabaseProbe(clock: clock) { try await installation.isSaaS() }
        let providers: any ProviderConfigurationSource =
            engine?.providers ?? MariaDBProviderConfiguration(pool: pool, prefix: prefix, installation: installation, clock: clock)
        let absent = NoSendingEngine(providers: providers)
        let campaigns = MariaDBCampaignRepository(pool: pool, prefix: prefix, settings: settings, clock: clock)
        var deps = AppDependencies(
            audience: MariaDBAudienceRepository(pool: pool, prefix: prefix, settings: settings, clock: clock),
            campaigns: campaigns,
            templates: MariaDBTemplateRepository(pool: pool, prefix: prefix, clock: clock),
            audiences: MariaDBAudienceLibrary(pool: pool, prefix: prefix, clock: clock),
            broadcasts: MariaDBBroadcastRepository(campaigns: campaigns),
            suppressions: MariaDBSuppressionRepository(pool: pool, prefix: prefix, clock: clock),
            capabilities: MariaDBCapabilityResolver(pool: pool, prefix: prefix, installation: installation, clock: clock),
            authenticator: RequestAuthenticator(
                nonces: MariaDBNonceStore(pool: pool, prefix: prefix, clock: clock),
                sessions: MariaDBSessionStore(pool: pool, prefix: prefix, clock: clock), secret: config.secret, clock: clock),
            settings: settings, saas: installation.current ?? false,
            metrics: ServiceMetrics(pool: pool, engine: engine?.metrics) { try await queue.reading() },
            rateLimiter: RateLimiter(rate: config.apiRateLimit, burst: config.apiRateBurst), clock: clock,
            readiness: {
                if installation.current == nil, (try? await detection.reading()) == nil {
                    return (false, "database unreachable: single-site or SaaS not detected yet")
                }
                do {
                    if try await !migrations.reading() { return (false, "migrations pending: run bkntc-campaigns migrate") }
                } catch {
                    return (false, "database unreachable")
                }
                if let engine, engine.worker != nil {
                    guard let beat = engine.metrics.snapshot().heartbeat, ContinuousClock.now - beat < .seconds(60) else {
                        return (false, "the sending worker has not reported for 60 s")
                    }
                }
                return (true, "ok")
            },
            reporting: MariaDBReportingRepository(pool: pool, prefix: prefix, settings: settings, clock: clock),
            results: MariaDBResultsRepository(pool: pool, prefix: prefix, settings: settings, clock: clock),
            channelSettings: MariaDBSettingsRepository(pool: pool, prefix: prefix, clock: clock, versions: versions),
            providers: providers, providerEvents: MariaDBProviderEvents(pool: pool, prefix: prefix, clock: clock),
            directory: MariaDBBookneticDirectory(pool: pool, prefix: prefix),
            erasure: MariaDBErasure(pool: pool, prefix: prefix, clock: clock), audit: MariaDBAuditLog(pool: pool, prefix: prefix),
            testSends: MariaDBTestSendStore(pool: pool, prefix: prefix, settings: settings),
            idempotency: MariaDBIdempotencyStore(pool: pool, prefix: prefix, clock: clock),
            cronTick: engine ?? absent, sender: engine?.sender ?? absent, whatsappTemplates: engine?.whatsappTemplates ?? NoWhatsAppTemplates())
        deps.maskAddresses = config.maskAddresses
        deps.engagement = MariaDBEngagementStore(pool: pool, prefix: prefix)
        if let worker = engine?.worker { deps.workNotifier = WorkerWakeNotifier(wake: worker.wake) }
        deps.environmentQuietHours = config.quietHours
        deps.environmentRateLimit = config.rateLimit
        deps.installation = installation
        deps.publicURL = config.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        deps.secret = config.secret
        deps.adminFrameAncestors = config.adminFrameAncestors
        deps.testSendsPerDay = config.testSendsPerDay
        deps.trustedProxies = config.trustedProxies
        return deps
    }
}
