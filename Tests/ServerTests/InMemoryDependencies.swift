import Campaigns
import Engine
import Foundation
import Logging
import Server
import TestSupport

/// Every in-memory store the routes use, kept together so a test can seed and inspect what a
/// request read or wrote: the service without a database, with the same routes and handlers.
struct InMemoryServiceStores: Sendable {
    let clock: ManualClock
    let campaigns: any CampaignRepository
    let audience: any AudienceRepository
    let templates: InMemoryTemplateRepository
    let audiences: InMemoryAudienceLibrary
    let broadcasts: InMemoryBroadcastRepository
    let suppressions: InMemorySuppressionRepository
    let audit: InMemoryAuditLog
    let settings: InMemorySettingsRepository
    let history: InMemoryMessageHistory
    let results: InMemoryResults
    let directory: InMemoryDirectory
    let providerEvents: InMemoryProviderEvents
    let testSends: InMemoryTestSendStore
    let idempotency: InMemoryIdempotencyStore
    /// The provider test sends go through (and the in-memory engine's).
    let sender: FakeSender
    /// The queue `POST /api/v1/cron/tick` works on.
    let engineQueue: InMemoryEngineStore

    /// `campaigns` and `audience` default to in-memory ones over `recipients`.
    init(
        clock: ManualClock = ManualClock(Date()), recipients: [Recipient] = [], campaigns: (any CampaignRepository)? = nil,
        audience: (any AudienceRepository)? = nil
    ) {
        self.clock = clock
        let campaigns = campaigns ?? InMemoryCampaignRepository(clock: clock, recipients: recipients)
        self.campaigns = campaigns
        let inMemoryCampaigns = campaigns as? InMemoryCampaignRepository ?? InMemoryCampaignRepository(clock: clock)
        audiences = InMemoryAudienceLibrary(campaigns: inMemoryCampaigns, clock: clock)
        broadcasts = InMemoryBroadcastRepository(campaigns: inMemoryCampaigns, clock: clock)
        self.audience = audience ?? InMemoryAudienceRepository(recipients: recipients)
        templates = InMemoryTemplateRepository(clock: clock)
        let suppressions = InMemorySuppressionRepository(clock: clock)
        self.suppressions = suppressions
        let audit = InMemoryAuditLog()
        self.audit = audit
        let settings = InMemorySettingsRepository(audit: audit, clock: clock)
        self.settings = settings
        let history = InMemoryMessageHistory(campaigns: campaigns, clock: clock)
        self.history = history
        results = InMemoryResults(campaigns: campaigns, settings: settings)
        directory = InMemoryDirectory()
        providerEvents = InMemoryProviderEvents(suppressions: suppressions)
        testSends = InMemoryTestSendStore(audit: audit)
        idempotency = InMemoryIdempotencyStore(clock: clock)
        sender = FakeSender()
        engineQueue = InMemoryEngineStore()
    }
}

extension AppDependencies {
    /// The in-memory service: signed with `APIFixture.secret`, capabilities from `users` (user id
    /// → set), UK numbers, Twilio webhooks verified against `providers` at `publicURL`, and a cron
    /// tick that runs the real engine (cron mode) on the stores' queue with their fake sender.
    static func inMemory(
        _ stores: InMemoryServiceStores, users: [Int: CapabilitySet] = [1: .everything(planChannels: nil)],
        providers: any ProviderConfigurationSource = InMemoryServiceStores.twilio,
        whatsappTemplates: any WhatsAppTemplateSource = NoWhatsAppTemplates(), publicURL: String? = InMemoryServiceStores.publicURL
    ) -> AppDependencies {
        let clock = stores.clock
        var logger = Logger(label: "in-memory-engine")
        logger.logLevel = .warning
        let engine = SendingEngine(
            configuration: EngineConfiguration(retry: RetryPolicy(delays: [120, 240]), concurrency: 4, quietHours: .never),
            sender: stores.sender, clock: clock, logger: logger)
        var deps = AppDependencies(
            audience: stores.audience, campaigns: stores.campaigns, templates: stores.templates, audiences: stores.audiences,
            broadcasts: stores.broadcasts,
            suppressions: stores.suppressions,
            capabilities: InMemoryCapabilityResolver(users: users),
            authenticator: RequestAuthenticator(
                nonces: InMemoryNonceStore(), sessions: InMemorySessionStore(clock: clock), secret: APIFixture.secret, clock: clock),
            settings: FixedSiteSettings(countryCode: "44"), saas: false, metrics: ServiceMetrics(pool: nil),
            rateLimiter: RateLimiter(rate: 1000, burst: 1000), clock: clock, readiness: { (true, "ok") },
            reporting: stores.history, results: stores.results, channelSettings: stores.settings, providers: providers,
            providerEvents: stores.providerEvents, directory: stores.directory,
            erasure: InMemoryErasure(history: stores.history, audit: stores.audit, clock: clock), audit: stores.audit,
            testSends: stores.testSends, idempotency: stores.idempotency,
            cronTick: EngineTick(tick: CronTick(engine: engine, stores: stores.engineQueue, wake: nil), mode: .cron), sender: stores.sender,
            whatsappTemplates: whatsappTemplates)
        deps.publicURL = publicURL
        deps.secret = APIFixture.secret
        return deps
    }

    /// The same on fresh stores.
    static func inMemory(
        clock: ManualClock = ManualClock(Date()), recipients: [Recipient] = [], campaigns: (any CampaignRepository)? = nil,
        audience: (any AudienceRepository)? = nil, users: [Int: CapabilitySet] = [1: .everything(planChannels: nil)]
    ) -> AppDependencies {
        inMemory(InMemoryServiceStores(clock: clock, recipients: recipients, campaigns: campaigns, audience: audience), users: users)
    }
}

extension InMemoryServiceStores {
    /// Where the in-memory service says it is reached (webhook signatures cover it).
    static let publicURL = "https://campaigns.example.com"
    /// The Twilio account the in-memory service's webhooks are signed with.
    static let twilio = StaticProviders(accountSID: "AC" + String(repeating: "1", count: 32), authToken: "in-memory-token")
}
