import CampaignStore
import Campaigns
import Engine
import Foundation
import MariaDB

/// Everything the router needs, passed in as `Sendable` protocols and values so tests can
/// swap parts (the in-memory implementations run the router without a database).
public struct AppDependencies: Sendable {
    public var audience: any AudienceRepository
    public var campaigns: any CampaignRepository
    public var templates: any TemplateRepository
    public var suppressions: any SuppressionRepository
    public var capabilities: any CapabilityResolving
    public var authenticator: RequestAuthenticator
    /// Site settings (the tenant's default country code, …).
    public var settings: any SiteSettings
    /// Single-site or SaaS: configured, or detected once the database answers.
    public var installation: InstallationMode
    public var metrics: ServiceMetrics
    public var rateLimiter: RateLimiter
    /// The one source of "now".
    public var clock: any WallClock
    /// Default of a preview's `mask_addresses`.
    public var maskAddresses = false
    /// Database reachable and migrations current.
    public var readiness: @Sendable () async -> (ready: Bool, detail: String)
    /// The sending engine (nil in router tests that need none): the cron tick runs it.
    public var engine: EngineAssembly?
    /// Wakes the worker when there is work (none without a worker).
    public var workNotifier: any WorkNotifier = NoWorkNotifier()
    /// The dashboard and customer histories; nil answers 503 on those routes.
    public var reporting: (any ReportingRepository)?
    /// Campaign results (§12); nil answers 503 on the results route and lists go without them.
    public var results: (any ResultsRepository)?
    /// Per-tenant settings (§10); nil answers 503 on the settings routes.
    public var channelSettings: (any SettingsRepository)?
    /// `BKNTC_QUIET_HOURS` and `BKNTC_RATE_LIMIT`, which the effective settings show.
    public var environmentQuietHours: QuietHours?
    public var environmentRateLimit: Double?
    /// Booknetic's provider settings per tenant (`/api/v1/me`, test sends, webhooks).
    public var providers: (any ProviderConfigurationSource)?
    /// Delivery statuses, STOP replies and unsubscribes; nil answers 503 on those endpoints.
    public var providerEvents: (any ProviderEventStore)?
    /// The tenant's Booknetic customers, services and locations.
    public var directory: (any BookneticDirectory)?
    /// The provider test sends go through (the engine's sender).
    public var sender: (any MessageSender)?
    /// Erases a person's messages on request (DESIGN §20).
    public var erasure: (any PersonalDataEraser)?
    /// The tenants' WhatsApp templates from the provider; nil with the outbox.
    public var whatsappTemplates: (any WhatsAppTemplateSource)?
    /// `BKNTC_PUBLIC_URL`, which webhook signatures cover.
    public var publicURL: String?
    /// `BKNTC_SECRET`, which signs unsubscribe links.
    public var secret = ""
    /// Origins allowed to embed `/admin/` (`BKNTC_ADMIN_FRAME_ANCESTORS`).
    public var adminFrameAncestors: [String] = []
    /// The audit trail (`GET /api/v1/audit`); nil answers 503 on that route.
    public var audit: (any AuditLog)?
    /// What test sends check and record (quota, daily count, the sender's rate); nil: none of
    /// it (router tests without a database).
    public var testSends: (any TestSendStore)?
    /// `BKNTC_TEST_SENDS_PER_DAY`.
    public var testSendsPerDay = 50
    /// The proxies whose `X-Forwarded-For` names the client (`BKNTC_TRUSTED_PROXIES`).
    public var trustedProxies = TrustedProxies.none
    /// `Idempotency-Key`s and their first answers (DESIGN §21); nil answers a request that
    /// carries a key with 503 (requests without one are unaffected).
    public var idempotency: (any IdempotencyStore)?

    public init(
        audience: any AudienceRepository, campaigns: any CampaignRepository, templates: any TemplateRepository,
        suppressions: any SuppressionRepository, capabilities: any CapabilityResolving,
        authenticator: RequestAuthenticator, settings: any SiteSettings, saas: Bool, metrics: ServiceMetrics,
        rateLimiter: RateLimiter, clock: any WallClock,
        readiness: @escaping @Sendable () async -> (ready: Bool, detail: String)
    ) {
        self.audience = audience
        self.campaigns = campaigns
        self.templates = templates
        self.suppressions = suppressions
        self.capabilities = capabilities
        self.authenticator = authenticator
        self.settings = settings
        self.installation = InstallationMode(saas: saas)
        self.metrics = metrics
        self.rateLimiter = rateLimiter
        self.clock = clock
        self.readiness = readiness
    }

    /// The address normalizer for a tenant (its own default country code).
    func normalizer(for scope: TenantScope) async throws -> AddressNormalizer {
        AddressNormalizer(defaultCountryCode: try await settings.defaultCountryCode(scope: scope))
    }

    /// The MariaDB-backed dependencies for a configuration.
    public static func live(
        config: ServiceConfiguration, pool: MariaDBPool, saas: Bool, clock: any WallClock = SystemClock(),
        engine: EngineAssembly? = nil
    ) -> AppDependencies {
        live(config: config, pool: pool, installation: InstallationMode(saas: saas), clock: clock, engine: engine)
    }

    /// The same with an installation mode that may still be unknown (detected later).
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
        var deps = AppDependencies(
            audience: MariaDBAudienceRepository(pool: pool, prefix: prefix, settings: settings, clock: clock),
            campaigns: MariaDBCampaignRepository(pool: pool, prefix: prefix, settings: settings, clock: clock),
            templates: MariaDBTemplateRepository(pool: pool, prefix: prefix, clock: clock),
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
            })
        deps.maskAddresses = config.maskAddresses
        deps.engine = engine
        if let worker = engine?.worker { deps.workNotifier = WorkerWakeNotifier(wake: worker.wake) }
        deps.channelSettings = MariaDBSettingsRepository(pool: pool, prefix: prefix, clock: clock, versions: versions)
        deps.reporting = MariaDBReportingRepository(pool: pool, prefix: prefix, settings: settings, clock: clock)
        deps.results = MariaDBResultsRepository(pool: pool, prefix: prefix, settings: settings, clock: clock)
        deps.environmentQuietHours = config.quietHours
        deps.environmentRateLimit = config.rateLimit
        deps.installation = installation
        deps.providers = engine?.providers ?? MariaDBProviderConfiguration(pool: pool, prefix: prefix, installation: installation, clock: clock)
        deps.sender = engine?.sender
        deps.whatsappTemplates = engine?.whatsappTemplates
        deps.erasure = MariaDBErasure(pool: pool, prefix: prefix, clock: clock)
        deps.providerEvents = MariaDBProviderEvents(pool: pool, prefix: prefix, clock: clock)
        deps.directory = MariaDBBookneticDirectory(pool: pool, prefix: prefix)
        deps.publicURL = config.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        deps.secret = config.secret
        deps.adminFrameAncestors = config.adminFrameAncestors
        deps.audit = MariaDBAuditLog(pool: pool, prefix: prefix)
        deps.testSends = MariaDBTestSendStore(pool: pool, prefix: prefix, settings: settings)
        deps.testSendsPerDay = config.testSendsPerDay
        deps.trustedProxies = config.trustedProxies
        deps.idempotency = MariaDBIdempotencyStore(pool: pool, prefix: prefix, clock: clock)
        return deps
    }
}
