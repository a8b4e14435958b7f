import Campaigns
import Foundation
import MariaDB

/// The suppression list in `{prefix}bkntc_campaign_suppressions`. Addresses arrive normalized.
public struct MariaDBSuppressionRepository: SuppressionRepository {
    let pool: MariaDBPool
    let table: SQLIdentifier
    let clock: any WallClock
    let audit: AuditWriter
    /// Rows per multi-row INSERT of an import (8 binds each, far below the 65,535 limit).
    static let importBatchSize = 1000

    public init(pool: MariaDBPool, prefix: TablePrefix, clock: any WallClock) {
        self.pool = pool
        self.table = prefix.bkntc("campaign_suppressions")
        self.clock = clock
        self.audit = AuditWriter(prefix: prefix)
    }

    /// The audit entry of a change, in the change's transaction.
    private func record(
        _ tx: MariaDBTransaction, _ scope: TenantScope, _ user: Int?, _ action: AuditAction, id: Int?, _ channel: Channel,
        _ detail: [String: JSONValue]
    ) async throws {
        try await audit.write(
            tx,
            AuditEntry(
                at: clock.now(), scope: scope, userID: user, action: action, objectType: .suppression, objectID: id, channel: channel,
                detail: detail))
    }

    public func add(
        scope: TenantScope, channel: Channel, address: String, reason: String?, source: SuppressionSource, by user: Int?
    ) async throws -> (suppression: Suppression, created: Bool) {
        try await pool.withTransaction { db in
            let result = try await db.execute(
                """
                INSERT IGNORE INTO \(identifier: table) (tenant_id, tenant_key, channel, address, reason, source, created_at)
                VALUES (\(scope.tenantID), \(scope.key), \(channel), \(address), \(reason), \(source), \(clock.now()))
                """)
            let row = try await db.queryFirst(
                "SELECT * FROM \(identifier: table) WHERE tenant_key = \(scope.key) AND channel = \(channel) AND address = \(address)")
            guard let row else { throw DomainError.notFound("suppression") }
            let suppression = try Self.suppression(row)
            if result.affectedRows == 1 {
                var detail: [String: JSONValue] = ["address": .string(address)]
                if let reason { detail["reason"] = .string(reason) }
                try await record(db, scope, user, .create, id: suppression.id, channel, detail)
            }
            return (suppression, result.affectedRows == 1)
        }
    }

    public func importAddresses(
        scope: TenantScope, channel: Channel, addresses: [String], reason: String?, source: SuppressionSource, invalid: Int,
        by user: Int?
    ) async throws -> (accepted: Int, duplicates: Int) {
        var seen = Set<String>()
        let unique = addresses.filter { seen.insert($0).inserted }
        let now = clock.now()
        let accepted = try await pool.withTransaction { db in
            var inserted = 0
            var start = 0
            while start < unique.count {
                let batch = unique[start..<min(start + Self.importBatchSize, unique.count)]
                let rows = MariaDBQuery.joined(
                    batch.map { "(\(scope.tenantID), \(scope.key), \(channel), \($0), \(reason), \(source), \(now))" }, separator: ", ")
                inserted += try await db.execute(
                    """
                    INSERT IGNORE INTO \(identifier: table) (tenant_id, tenant_key, channel, address, reason, source, created_at)
                    VALUES \(rows)
                    """
                ).affectedRows
                start += Self.importBatchSize
            }
            try await record(
                db, scope, user, .import, id: nil, channel,
                [
                    "accepted": .number(Double(inserted)), "duplicates": .number(Double(addresses.count - inserted)),
                    "invalid": .number(Double(invalid)),
                ])
            return inserted
        }
        return (accepted, addresses.count - accepted)
    }

    public func remove(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws -> Bool {
        try await pool.withTransaction { tx in
            guard
                let row = try await tx.queryFirst(
                    "SELECT * FROM \(identifier: table) WHERE id = \(id) AND tenant_key = \(scope.key) FOR UPDATE")
            else { return false }
            let suppression = try Self.suppression(row)
            try access.check(suppression.channel)
            let removed =
                try await tx.execute("DELETE FROM \(identifier: table) WHERE id = \(id) AND tenant_key = \(scope.key)")
                .affectedRows == 1
            if removed {
                var detail: [String: JSONValue] = ["address": .string(suppression.address)]
                if let reason = suppression.reason { detail["reason"] = .string(reason) }
                try await record(tx, scope, user, .delete, id: id, suppression.channel, detail)
            }
            return removed
        }
    }

    public func get(scope: TenantScope, id: Int) async throws -> Suppression? {
        try await pool.withConnection { db in
            try await db.queryFirst("SELECT * FROM \(identifier: table) WHERE id = \(id) AND tenant_key = \(scope.key)")
                .map(Self.suppression)
        }
    }

    public func list(scope: TenantScope, channel: Channel?, search: String?, page: PageRequest) async throws
        -> Page<Suppression>
    {
        var filter: MariaDBQuery = "tenant_key = \(scope.key)"
        if let channel { filter.append(" AND channel = \(channel)") }
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            // address is an ASCII column: compare it as utf8mb4 so any search text is legal.
            let pattern = likePattern(search)
            filter.append(" AND (CONVERT(address USING utf8mb4) LIKE \(pattern) ESCAPE '\\\\' OR reason LIKE \(pattern) ESCAPE '\\\\')")
        }
        let condition = filter
        return try await pool.withConnection { db in
            try await db.page(from: table, where: condition, orderBy: SQLIdentifierList(("id", .descending)), page: page, map: Self.suppression)
        }
    }

    public func isSuppressed(scope: TenantScope, channel: Channel, address: String) async throws -> Bool {
        try await pool.withConnection { db in
            try await db.queryFirst(
                """
                SELECT 1 AS hit FROM \(identifier: table)
                WHERE tenant_key = \(scope.key) AND channel = \(channel) AND address = \(address) LIMIT 1
                """) != nil
        }
    }

    static func suppression(_ row: MariaDBRow) throws -> Suppression {
        Suppression(
            id: try row.decode("id"), channel: try row.decode("channel", as: Channel.self), address: try row.decode("address"),
            reason: try row.decode("reason"), source: try row.decode("source", as: SuppressionSource.self),
            createdAt: try row.decode("created_at"))
    }
}
