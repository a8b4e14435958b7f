import Campaigns
import Foundation

/// Everything the router needs, passed in as `Sendable` protocols and values so tests can
/// swap parts: ``live(config:pool:saas:clock:engine:)`` wires MariaDB and the sending engine,
/// the tests' in-memory variant wires the stores of `InMemoryStores`. Every port is present, so
/// no route answers 503 for want of one.
public struct AppDependencies: Sendable {
    public var audience: any AudienceRepository
    public var campaigns: any CampaignRepository
    public var templates: any TemplateRepository
    /// The tenants' saved audiences (DESIGN §16).
    public var audiences: any AudienceLibrary
    /// Broadcasts over their channels' campaigns (DESIGN §14).
    public var broadcasts: any BroadcastRepository
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
    /// What `POST /api/v1/cron/tick` runs: the sending engine's tick.
    public var cronTick: any CronTickRunning
    /// Wakes the worker when there is work (none without a worker).
    public var workNotifier: any WorkNotifier = NoWorkNotifier()
    /// The dashboard and customer histories.
    public var reporting: any ReportingRepository
    /// Campaign results (§12); lists show them where they can be read.
    public var results: any ResultsRepository
    /// Per-tenant settings (§10).
    public var channelSettings: any SettingsRepository
    /// `BKNTC_QUIET_HOURS` and `BKNTC_RATE_LIMIT`, which the effective settings show.
    public var environmentQuietHours: QuietHours?
    public var environmentRateLimit: Double?
    /// Booknetic's provider settings per tenant (the webhooks' accounts).
    public var providers: any ProviderConfigurationSource
    /// Delivery statuses, STOP replies and unsubscribes.
    public var providerEvents: any ProviderEventStore
    /// The tenant's Booknetic customers, services and locations.
    public var directory: any BookneticDirectory
    /// The engine's sender: test sends, its rate, and what keeps a channel from sending.
    public var sender: any MessageSender
    /// Erases a person's messages on request (DESIGN §20).
    public var erasure: any PersonalDataEraser
    /// The tenants' WhatsApp templates from the provider; with the outbox, none
    /// (``NoWhatsAppTemplates``: the editor asks for the Content SID, DESIGN §21).
    public var whatsappTemplates: any WhatsAppTemplateSource
    /// `BKNTC_PUBLIC_URL`, which webhook signatures cover.
    public var publicURL: String?
    /// `BKNTC_SECRET`, which signs unsubscribe links.
    public var secret = ""
    /// Origins allowed to embed `/admin/` (`BKNTC_ADMIN_FRAME_ANCESTORS`).
    public var adminFrameAncestors: [String] = []
    /// The audit trail (`GET /api/v1/audit`).
    public var audit: any AuditLog
    /// What test sends check and record (quota, daily count, the sender's rate).
    public var testSends: any TestSendStore
    /// `BKNTC_TEST_SENDS_PER_DAY`.
    public var testSendsPerDay = 50
    /// The proxies whose `X-Forwarded-For` names the client (`BKNTC_TRUSTED_PROXIES`).
    public var trustedProxies = TrustedProxies.none
    /// `Idempotency-Key`s and their first answers (DESIGN §21).
    public var idempotency: any IdempotencyStore
    /// Clicks of tracked links and opens (DESIGN §18).
    public var engagement: any EngagementStore = NoEngagementStore()
    /// The process's shared progress readings for the event streams (DESIGN §17).
    public var progressHub = ProgressHub()
    /// How long an event stream may stay silent before a `: keep-alive` comment (DESIGN §17: 15 s).
    public var eventKeepAlive: Duration = .seconds(15)

    public init(
        audience: any AudienceRepository, campaigns: any CampaignRepository, templates: any TemplateRepository,
        audiences: any AudienceLibrary, broadcasts: any BroadcastRepository,
        suppressions: any SuppressionRepository, capabilities: any CapabilityResolving,
        authenticator: RequestAuthenticator, settings: any SiteSettings, saas: Bool, metrics: ServiceMetrics,
        rateLimiter: RateLimiter, clock: any WallClock,
        readiness: @escaping @Sendable () async -> (ready: Bool, detail: String),
        reporting: any ReportingRepository, results: any ResultsRepository, channelSettings: any SettingsRepository,
        providers: any ProviderConfigurationSource, providerEvents: any ProviderEventStore, directory: any BookneticDirectory,
        erasure: any PersonalDataEraser, audit: any AuditLog, testSends: any TestSendStore, idempotency: any IdempotencyStore,
        cronTick: any CronTickRunning, sender: any MessageSender, whatsappTemplates: any WhatsAppTemplateSource
    ) {
        self.audience = audience
        self.campaigns = campaigns
        self.templates = templates
        self.audiences = audiences
        self.broadcasts = broadcasts
        self.suppressions = suppressions
        self.capabilities = capabilities
        self.authenticator = authenticator
        self.settings = settings
        self.installation = InstallationMode(saas: saas)
        self.metrics = metrics
        self.rateLimiter = rateLimiter
        self.clock = clock
        self.readiness = readiness
        self.reporting = reporting
        self.results = results
        self.channelSettings = channelSettings
        self.providers = providers
        self.providerEvents = providerEvents
        self.directory = directory
        self.erasure = erasure
        self.audit = audit
        self.testSends = testSends
        self.idempotency = idempotency
        self.cronTick = cronTick
        self.sender = sender
        self.whatsappTemplates = whatsappTemplates
    }

    /// The address normalizer for a tenant (its own default country code).
    func normalizer(for scope: TenantScope) async throws -> AddressNormalizer {
        AddressNormalizer(defaultCountryCode: try await settings.defaultCountryCode(scope: scope))
    }
}
