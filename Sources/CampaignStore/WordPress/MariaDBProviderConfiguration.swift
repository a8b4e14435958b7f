import Campaigns
import Foundation
import MariaDB

/// Booknetic's provider settings (DESIGN §2) from `{prefix}options`, plus which plugins are
/// active (`active_plugins`, and `active_sitewide_plugins` on multisite). Cached for 30 s,
/// loaded once for concurrent callers; never logged (it holds credentials).
public final class MariaDBProviderConfiguration: ProviderConfigurationSource {
    let pool: MariaDBPool
    let options: SQLIdentifier
    let optionRows: WordPressOptions
    let siteMeta: SQLIdentifier
    let tenants: SQLIdentifier
    let installation: InstallationMode
    private let cache: TimedCache<Int, ProviderConfiguration>
    private let everyone: TimedCache<Int, [TenantScope: ProviderConfiguration]>

    /// `pool` must not be one whose lease the caller holds (the engine passes the API's).
    public convenience init(pool: MariaDBPool, prefix: TablePrefix, saas: Bool, clock: any WallClock, ttl: TimeInterval = 30) {
        self.init(pool: pool, prefix: prefix, installation: InstallationMode(saas: saas), clock: clock, ttl: ttl)
    }

    public init(pool: MariaDBPool, prefix: TablePrefix, installation: InstallationMode, clock: any WallClock, ttl: TimeInterval = 30) {
        self.pool = pool
        self.options = prefix.wordpress("options")
        self.optionRows = WordPressOptions(prefix: prefix)
        self.siteMeta = prefix.wordpress("sitemeta")
        self.tenants = prefix.bkntc("tenants")
        self.installation = installation
        self.cache = TimedCache(ttl: ttl, clock: clock)
        self.everyone = TimedCache(ttl: ttl, clock: clock)
    }

    public func configuration(scope: TenantScope) async throws -> ProviderConfiguration {
        if let cached = cache.get(scope.key) { return cached }
        return try await cache.value(for: scope.key) { [self] in
            try await pool.withConnection { db in
                let names = ProviderConfiguration.optionNames(tenant: scope.tenantID)
                let values = try await optionRows.values(names + ["active_plugins"], on: db)
                let plugins = try await activePlugins(db, activePlugins: values["active_plugins"])
                return ProviderConfiguration.resolve(options: values, tenant: scope.tenantID, activePlugins: plugins)
            }
        }
    }

    public func twilioTenants(accountSID: String) async throws -> [TwilioTenant] {
        // Which tenants exist decides who a STOP reply reaches: never guessed (DESIGN §13).
        let saas = try await installation.isSaaS()
        let all = try await everyone.value(for: 0) { [self] in
            try await pool.withConnection { db in
                let scopes: [TenantScope]
                if saas {
                    scopes = try await db.query("SELECT id FROM \(identifier: tenants) ORDER BY id").map {
                        TenantScope.tenant(try $0.decode("id"))
                    }
                } else {
                    scopes = [.singleSite]
                }
                let rows = try await db.query(
                    """
                    SELECT option_name, option_value FROM \(identifier: options)
                    WHERE option_name LIKE 'bkntc\\_%' AND option_name REGEXP
                      '^bkntc_(t[0-9]+_)?(sms_account_sid|sms_auth_token|sender_phone_number|whatsapp_account_sid|whatsapp_auth_token|sender_phone_number_whatsapp)$'
                       OR option_name = 'active_plugins'
                    """)
                var values: [String: String] = [:]
                for row in rows { values[try row.decode("option_name")] = try row.decode("option_value", as: String?.self) ?? "" }
                let plugins = try await activePlugins(db, activePlugins: values["active_plugins"])
                var result: [TenantScope: ProviderConfiguration] = [:]
                for scope in scopes {
                    result[scope] = ProviderConfiguration.resolve(options: values, tenant: scope.tenantID, activePlugins: plugins)
                }
                return result
            }
        }
        var matches: [TwilioTenant] = []
        for (scope, configuration) in all.sorted(by: { $0.key.key < $1.key.key }) {
            if let account = configuration.sms.account, account.accountSID == accountSID {
                matches.append(TwilioTenant(scope: scope, channel: .sms, account: account))
            }
            if let account = configuration.whatsapp.account, account.accountSID == accountSID {
                matches.append(TwilioTenant(scope: scope, channel: .whatsapp, account: account))
            }
        }
        return matches
    }

    /// Plugins active on the site, plus network-wide ones on multisite (no `sitemeta` table:
    /// not multisite).
    private func activePlugins(_ db: MariaDBSession, activePlugins: String?) async throws -> Set<String> {
        var plugins = Set(PHPSerialized.stringValues(activePlugins ?? ""))
        do {
            let row = try await db.queryFirst(
                "SELECT meta_value FROM \(identifier: siteMeta) WHERE meta_key = 'active_sitewide_plugins' LIMIT 1")
            if let text: String = try row?.decode("meta_value", as: String?.self) {
                plugins.formUnion(PHPSerialized.truthyKeys(text))
            }
        } catch let error as MariaDBError where error.isMissingTable {
            // Not a multisite install.
        }
        return plugins
    }
}
