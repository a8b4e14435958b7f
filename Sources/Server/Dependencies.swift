import CampaignStore
import Campaigns
import Foundation
import MariaDB

/// Everything the router needs, passed in as `Sendable` protocols and values so tests can
/// swap parts.
public struct AppDependencies: Sendable {
    public var audience: any AudienceRepository
    public var campaigns: any CampaignRepository
    public var templates: any TemplateRepository
    public var suppressions: any SuppressionRepository
    public var capabilities: any CapabilityResolving
    public var authenticator: RequestAuthenticator
    /// Site settings (the tenant's default country code, …).
    public var settings: any SiteSettings
    public var saas: Bool
    public var metrics: ServiceMetrics
    public var rateLimiter: RateLimiter
    /// Default of a preview's `mask_addresses`.
    public var maskAddresses = false
    /// Database reachable and migrations current.
    public var readiness: @Sendable () async -> (ready: Bool, detail: String)

    public init(
        audience: any AudienceRepository, campaigns: any CampaignRepository, templates: any TemplateRepository,
        suppressions: any SuppressionRepository, capabilities: any CapabilityResolving,
        authenticator: RequestAuthenticator, settings: any SiteSettings, saas: Bool, metrics: ServiceMetrics,
        rateLimiter: RateLimiter, readiness: @escaping @Sendable () async -> (ready: Bool, detail: String)
    ) {
        self.audience = audience
        self.campaigns = campaigns
        self.templates = templates
        self.suppressions = suppressions
        self.capabilities = capabilities
        self.authenticator = authenticator
        self.settings = settings
        self.saas = saas
        self.metrics = metrics
        self.rateLimiter = rateLimiter
        self.readiness = readiness
    }

    /// The address normalizer for a tenant (its own default country code).
    func normalizer(for scope: TenantScope) async throws -> AddressNormalizer {
        AddressNormalizer(defaultCountryCode: try await settings.defaultCountryCode(scope: scope))
    }

    /// The MariaDB-backed dependencies for a configuration.
    public static func live(config: ServiceConfiguration, pool: MariaDBPool, saas: Bool) -> AppDependencies {
        let prefix = config.prefix
        let settings = MariaDBSiteSettings(pool: pool, prefix: prefix, fallbackCountryCode: config.defaultCountryCode)
        var deps = AppDependencies(
            audience: MariaDBAudienceRepository(
                pool: pool, prefix: prefix, defaultCountryCode: config.defaultCountryCode, settings: settings),
            campaigns: MariaDBCampaignRepository(
                pool: pool, prefix: prefix, defaultCountryCode: config.defaultCountryCode, settings: settings),
            templates: MariaDBTemplateRepository(pool: pool, prefix: prefix),
            suppressions: MariaDBSuppressionRepository(pool: pool, prefix: prefix),
            capabilities: MariaDBCapabilityResolver(pool: pool, prefix: prefix, saas: saas),
            authenticator: RequestAuthenticator(pool: pool, prefix: prefix, secret: config.secret),
            settings: settings, saas: saas,
            metrics: ServiceMetrics(pool: pool) {
                let rows = try await pool.withConnection { db in
                    try await db.query(
                        """
                        SELECT l.channel, COUNT(*) AS n FROM \(prefix.bkntc("campaigns")) c
                        JOIN \(prefix.bkntc("campaign_logs")) l ON l.campaign_id = c.id AND l.status = 'pending'
                        WHERE c.status IN ('queued', 'sending', 'paused') GROUP BY l.channel
                        """)
                }
                var depth: [Channel: Int] = [:]
                for row in rows {
                    if let channel = Channel(rawValue: try row.decode("channel")) { depth[channel] = try row.decode("n") }
                }
                return depth
            },
            rateLimiter: RateLimiter(rate: config.apiRateLimit, burst: config.apiRateBurst),
            readiness: {
                do {
                    let current = try await Migrator(pool: pool, prefix: prefix, logger: .init(label: "ready")).isCurrent()
                    return current ? (true, "ok") : (false, "migrations pending: run bkntc-campaigns migrate")
                } catch {
                    return (false, "database unreachable")
                }
            })
        deps.maskAddresses = config.maskAddresses
        return deps
    }
}
