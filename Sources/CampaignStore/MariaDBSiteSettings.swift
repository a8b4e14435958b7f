import Campaigns
import Foundation
import MariaDB

/// Booknetic settings from `{prefix}options`: the tenant's `bkntc_t<id>_<name>`, then the
/// global `bkntc_<name>`, then the service's own configuration. Cached for 60 s.
public final class MariaDBSiteSettings: SiteSettings {
    let pool: MariaDBPool
    let table: String
    let fallbackCountryCode: String?
    private let cache = TimedCache<Int, String?>()

    public init(pool: MariaDBPool, prefix: TablePrefix, fallbackCountryCode: String?) {
        self.pool = pool
        self.table = prefix.wordpress("options")
        self.fallbackCountryCode = fallbackCountryCode
    }

    public func defaultCountryCode(scope: TenantScope) async throws -> String? {
        if let cached = cache.get(scope.key) { return cached }
        var names = ["bkntc_default_country_code"]
        if let tenant = scope.tenantID { names.insert("bkntc_t\(tenant)_default_country_code", at: 0) }
        let rows = try await pool.withConnection { db in
            try await db.query(
                "SELECT option_name, option_value FROM \(table) WHERE option_name IN (\(names.map { _ in "?" }.joined(separator: ", ")))",
                names)
        }
        var values: [String: String] = [:]
        for row in rows { values[try row.decode("option_name")] = try row.decode("option_value", as: String?.self) }
        let configured = names.lazy.compactMap { values[$0] }
            .compactMap { AddressNormalizer(defaultCountryCode: $0).defaultCountryCode }.first
        let value = configured ?? fallbackCountryCode
        cache.set(scope.key, value, ttl: 60)
        return value
    }
}
