import Campaigns
import Foundation
import MariaDB

/// The suppression list in `{prefix}bkntc_campaign_suppressions`. Addresses arrive normalized.
public struct MariaDBSuppressionRepository: SuppressionRepository {
    let pool: MariaDBPool
    let table: String

    public init(pool: MariaDBPool, prefix: TablePrefix) {
        self.pool = pool
        self.table = prefix.bkntc("campaign_suppressions")
    }

    public func add(scope: TenantScope, channel: Channel, address: String, reason: String?, source: String) async throws
        -> (suppression: Suppression, created: Bool)
    {
        try await pool.withConnection { db in
            let result = try await db.execute(
                """
                INSERT IGNORE INTO \(table) (tenant_id, tenant_key, channel, address, reason, source, created_at)
                VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())
                """, [scope.tenantID, scope.key, channel.rawValue, address, reason, source])
            let row = try await db.queryFirst(
                "SELECT * FROM \(table) WHERE tenant_key = ? AND channel = ? AND address = ?",
                [scope.key, channel.rawValue, address])
            guard let row else { throw DomainError.notFound("suppression") }
            return (try Self.suppression(row), result.affectedRows == 1)
        }
    }

    public func remove(scope: TenantScope, id: Int) async throws -> Bool {
        try await pool.withConnection { db in
            try await db.execute("DELETE FROM \(table) WHERE id = ? AND tenant_key = ?", [id, scope.key]).affectedRows == 1
        }
    }

    public func get(scope: TenantScope, id: Int) async throws -> Suppression? {
        try await pool.withConnection { db in
            try await db.queryFirst("SELECT * FROM \(table) WHERE id = ? AND tenant_key = ?", [id, scope.key])
                .map(Self.suppression)
        }
    }

    public func list(scope: TenantScope, channel: Channel?, search: String?, page: PageRequest) async throws
        -> Page<Suppression>
    {
        var conditions = "tenant_key = ?"
        var binds: [any MariaDBBindable] = [scope.key]
        if let channel {
            conditions += " AND channel = ?"
            binds.append(channel.rawValue)
        }
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            // address is an ASCII column: compare it as utf8mb4 so any search text is legal.
            conditions += " AND (CONVERT(address USING utf8mb4) LIKE ? ESCAPE '\\\\' OR reason LIKE ? ESCAPE '\\\\')"
            binds += [likePattern(search), likePattern(search)]
        }
        let filter = conditions
        let filterBinds = binds
        return try await pool.withConnection { db in
            try await db.page(from: table, where: filter, filterBinds, orderBy: "id DESC", page: page, map: Self.suppression)
        }
    }

    public func isSuppressed(scope: TenantScope, channel: Channel, address: String) async throws -> Bool {
        try await pool.withConnection { db in
            try await db.queryFirst(
                "SELECT 1 AS hit FROM \(table) WHERE tenant_key = ? AND channel = ? AND address = ? LIMIT 1",
                [scope.key, channel.rawValue, address]) != nil
        }
    }

    static func suppression(_ row: MariaDBRow) throws -> Suppression {
        guard let channel = Channel(rawValue: try row.decode("channel")) else {
            throw MariaDBError.decoding(column: "channel", expected: "channel", found: "unknown")
        }
        return Suppression(
            id: try row.decode("id"), channel: channel, address: try row.decode("address"),
            reason: try row.decode("reason"), source: try row.decode("source"), createdAt: try row.decode("created_at"))
    }
}
