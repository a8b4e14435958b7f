import Campaigns
import Foundation
import MariaDB

/// The checks a batch passes right before sending (DESIGN §6), on the engine's connection: the
/// suppression list, the frequency cap's counts, the recipients' zones and the tenant's settings.
public struct MariaDBSendChecks: SendChecks {
    let db: MariaDBSession
    let prefix: TablePrefix
    let logs: SQLIdentifier
    let suppressions: SQLIdentifier
    let siteSettings: MariaDBSiteSettings
    let channelSettings: MariaDBSettingsRepository

    public init(db: MariaDBSession, prefix: TablePrefix, siteSettings: MariaDBSiteSettings, channelSettings: MariaDBSettingsRepository) {
        self.db = db
        self.prefix = prefix
        self.logs = prefix.bkntc("campaign_logs")
        self.suppressions = prefix.bkntc("campaign_suppressions")
        self.siteSettings = siteSettings
        self.channelSettings = channelSettings
    }

    public func settings(scope: TenantScope, channel: Channel) async throws -> StoredSettings {
        try await channelSettings.stored(db, scope: scope, channel: channel)
    }

    public func timeZone(scope: TenantScope) async throws -> TimeZone {
        try await siteSettings.timeZone(scope: scope, on: db)
    }

    /// The addresses of `addresses` that are on the tenant's suppression list for `channel`.
    public func suppressed(scope: TenantScope, channel: Channel, addresses: [String]) async throws -> Set<String> {
        if addresses.isEmpty { return [] }
        let rows = try await db.query(
            """
            SELECT address FROM \(identifier: suppressions)
            WHERE tenant_key = \(scope.key) AND channel = \(channel) AND address IN (\(list: addresses))
            """)
        return Set(try rows.map { try $0.decode("address", as: String.self).lowercased() })
    }

    /// Campaign messages sent (or delivered) to each customer on `channel` since `since`, across
    /// every campaign of the tenant (the frequency cap's count).
    public func sentCounts(scope: TenantScope, channel: Channel, customerIDs: [Int], since: Date, excluding: [Int]) async throws
        -> [Int: Int]
    {
        if customerIDs.isEmpty { return [:] }
        // Rows another batch is sending right now count too: two lanes or replicas working on
        // two campaigns at once must not both pass the cap.
        let rows = try await db.query(
            """
            SELECT customer_id, COUNT(*) AS n FROM \(identifier: logs)
            WHERE tenant_key = \(scope.key) AND channel = \(channel) AND customer_id IN (\(list: customerIDs))
              AND ((status IN (\(list: LogStatus.reached)) AND sent_at >= \(since)) OR status = \(LogStatus.sending))
              AND id NOT IN (\(list: excluding))
            GROUP BY customer_id
            """)
        var counts: [Int: Int] = [:]
        for row in rows { counts[try row.decode("customer_id")] = try row.decode("n") }
        return counts
    }

    /// The `client_timezone` of each customer's latest appointment (Booknetic's own column).
    public func clientTimeZones(scope: TenantScope, customerIDs: [Int]) async throws -> [Int: String] {
        try await Self.clientTimeZones(db, prefix: prefix, scope: scope, customerIDs: customerIDs)
    }

    /// The same on any connection (the audience preview's zones are the engine's).
    static func clientTimeZones(
        _ db: some MariaDBQueryable, prefix: TablePrefix, scope: TenantScope, customerIDs: [Int]
    ) async throws -> [Int: String] {
        let appointments = prefix.bkntc("appointments")
        if customerIDs.isEmpty { return [:] }
        let tenant = scope.bookneticCondition
        let outerTenant: MariaDBQuery = scope.tenantID.map { "a.tenant_id = \($0)" } ?? "(a.tenant_id IS NULL OR a.tenant_id = 0)"
        do {
            let rows = try await db.query(
                """
                SELECT a.customer_id, a.client_timezone FROM \(identifier: appointments) a
                JOIN (SELECT customer_id, MAX(starts_at) AS latest FROM \(identifier: appointments)
                      WHERE \(tenant) AND customer_id IN (\(list: customerIDs)) GROUP BY customer_id) x
                  ON x.customer_id = a.customer_id AND x.latest = a.starts_at
                WHERE \(outerTenant) AND a.client_timezone IS NOT NULL AND a.client_timezone <> ''
                """)
            var zones: [Int: String] = [:]
            for row in rows { zones[try row.decode("customer_id")] = try row.decode("client_timezone") }
            return zones
        } catch let error as MariaDBError where error.isUnknownColumn {
            return [:]  // an install without client_timezone: the tenant's zone applies
        }
    }
}
