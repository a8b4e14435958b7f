import Campaigns
import Foundation
import MariaDB

/// How fresh the sidecar's own settings are (DESIGN §10). Every change of a tenant's settings
/// bumps the tenant's version (a row of `{prefix}bkntc_campaign_settings` with an empty channel
/// and the name `version`) in the same transaction; caches of values derived from the settings
/// (the tenant's zone, results) key on that version. This process sees its own changes at once
/// (`invalidate`); other replicas read the version again after at most `ttl` (4 s).
public final class SettingsVersions: Sendable {
    private let cache: TimedCache<Int, Int>
    /// Seconds another replica's change may take to be seen here (DESIGN §10 allows 5).
    public static let ttl: TimeInterval = 4
    /// The settings row that holds the version.
    static let name = "version"

    public init(clock: any WallClock) {
        self.cache = TimedCache(ttl: Self.ttl, clock: clock)
    }

    /// The tenant's settings version, read on the caller's connection at most every `ttl`.
    public func current(_ scope: TenantScope, table: SQLIdentifier, on db: some MariaDBQueryable) async throws -> Int {
        let box = VersionQueryBox(db)
        return try await cache.value(for: scope.key) {
            let row = try await box.db.queryFirst(
                "SELECT value FROM \(identifier: table) WHERE tenant_key = \(scope.key) AND channel = '' AND name = \(Self.name)")
            return Int(try row?.decode("value", as: String.self) ?? "") ?? 0
        }
    }

    /// Bumps the tenant's version inside the transaction that changes its settings.
    static func bump(_ tx: MariaDBTransaction, scope: TenantScope, table: SQLIdentifier, now: Date) async throws {
        try await tx.execute(
            """
            INSERT INTO \(identifier: table) (tenant_key, tenant_id, channel, name, value, updated_at)
            VALUES (\(scope.key), \(scope.tenantID), '', \(name), '1', \(now))
            ON DUPLICATE KEY UPDATE value = CAST(value AS UNSIGNED) + 1, updated_at = VALUES(updated_at)
            """)
    }

    /// Forgets the tenant's version after this process changed its settings (call after commit).
    public func invalidate(_ scope: TenantScope) {
        cache.remove(scope.key)
    }
}

/// Lets a single-flight load run on the connection of the caller that started it.
private struct VersionQueryBox: Sendable {
    let db: any MariaDBQueryable
    init(_ db: some MariaDBQueryable) { self.db = db }
}
