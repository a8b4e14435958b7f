import Campaigns
import Foundation
import MariaDB

/// Booknetic settings from `{prefix}options`: the tenant's `bkntc_t<id>_<name>`, then the
/// global `bkntc_<name>`, then the service's own configuration. Cached for 60 s, loaded once
/// for concurrent callers. The tenant's zone also depends on the sidecar's own `timezone`
/// setting, so it is cached per settings version (DESIGN §10: a change applies at once here,
/// within 5 s on other replicas).
public final class MariaDBSiteSettings: SiteSettings {
    let pool: MariaDBPool
    let options: WordPressOptions
    let fallbackCountryCode: String?
    private let cache: TimedCache<Int, String?>
    private let zones: TimedCache<ZoneKey, String>
    private let currencies: TimedCache<Int, String?>

    /// A tenant, and the channel whose own `timezone` setting comes first (nil: any channel's),
    /// at a version of the tenant's settings.
    struct ZoneKey: Hashable, Sendable {
        let tenant: Int
        let channel: Channel?
        let version: Int
    }
    let campaignSettings: SQLIdentifier
    /// The versions of the sidecar's own settings (shared with the settings repository).
    public let versions: SettingsVersions

    public init(
        pool: MariaDBPool, prefix: TablePrefix, fallbackCountryCode: String?, clock: any WallClock, versions: SettingsVersions? = nil
    ) {
        self.versions = versions ?? SettingsVersions(clock: clock)
        self.pool = pool
        self.options = WordPressOptions(prefix: prefix)
        self.fallbackCountryCode = AddressNormalizer.countryCode(fallbackCountryCode)
        self.cache = TimedCache(ttl: 60, clock: clock)
        self.zones = TimedCache(ttl: 60, clock: clock)
        self.currencies = TimedCache(ttl: 60, clock: clock)
        self.campaignSettings = prefix.bkntc("campaign_settings")
    }

    /// The tenant's time zone (DESIGN §6): its own `timezone` setting (§10), then WordPress'
    /// `timezone_string`, then `gmt_offset`, else UTC. Read on the caller's connection.
    /// With a `channel`, that channel's own setting comes before the other channels'.
    public func timeZone(scope: TenantScope, channel: Channel? = nil, on db: some MariaDBQueryable) async throws -> TimeZone {
        let box = QueryableBox(db)
        let options = self.options
        let settings = campaignSettings
        let version = try await versions.current(scope, table: settings, on: db)
        let identifier = try await zones.value(for: ZoneKey(tenant: scope.key, channel: channel, version: version)) {
            let own = try await box.db.queryFirst(
                """
                SELECT value FROM \(identifier: settings)
                WHERE tenant_key = \(scope.key) AND name = 'timezone'
                ORDER BY channel = \(channel?.rawValue ?? "") DESC, channel LIMIT 1
                """)
            if let value: String = try own?.decode("value"), let zone = TimeZoneName.parse(Self.unquoted(value)) {
                return zone.identifier
            }
            let values = try await options.values(["timezone_string", "gmt_offset"], on: box.db)
            if let zone = TimeZoneName.parse(values["timezone_string"]) ?? TimeZoneName.gmtOffset(values["gmt_offset"]) {
                return zone.identifier
            }
            return "UTC"
        }
        return TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 0)!
    }

    /// Booknetic's `currency` setting (e.g. `USD`): the tenant's own, then the global one; nil
    /// when neither is set.
    public func currency(scope: TenantScope, on db: some MariaDBQueryable) async throws -> String? {
        let options = self.options
        let box = QueryableBox(db)
        return try await currencies.value(for: scope.key) {
            let names = WordPressOptions.bookneticNames("currency", scope: scope)
            let values = try await options.values(names, on: box.db)
            return names.lazy.compactMap { values[$0]?.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
                .map { String($0.prefix(16)) }
        }
    }

    /// The tenant's settings version, on a lease of this instance's pool.
    public func settingsVersion(scope: TenantScope) async throws -> Int {
        try await pool.withConnection { db in try await versions.current(scope, table: campaignSettings, on: db) }
    }

    /// Settings values are stored as JSON; a JSON string is decoded here (its `/` may be escaped
    /// as `\/`, as Foundation's encoder writes it), anything else is read as it is.
    static func unquoted(_ value: String) -> String {
        (try? JSONDecoder().decode(String.self, from: Data(value.utf8))) ?? value
    }

    public func defaultCountryCode(scope: TenantScope) async throws -> String? {
        if let cached = cache.get(scope.key) { return cached }
        return try await pool.withConnection { db in try await self.defaultCountryCode(scope: scope, on: db) }
    }

    /// The same, read on a connection the caller already holds (never a second lease).
    public func defaultCountryCode(scope: TenantScope, on db: some MariaDBQueryable) async throws -> String? {
        if let cached = cache.get(scope.key) { return cached }
        let options = self.options
        let fallback = fallbackCountryCode
        let box = QueryableBox(db)
        return try await cache.value(for: scope.key) {
            let names = WordPressOptions.bookneticNames("default_country_code", scope: scope)
            let values = try await options.values(names, on: box.db)
            // Precedence: the tenant's own value, the global value, then BKNTC_DEFAULT_COUNTRY_CODE.
            return names.lazy.compactMap { values[$0] }.compactMap(AddressNormalizer.countryCode).first ?? fallback
        }
    }
}

/// Lets a single-flight load run on the connection of the caller that started it.
private struct QueryableBox: Sendable {
    let db: any MariaDBQueryable
    init(_ db: some MariaDBQueryable) { self.db = db }
}
