import Campaigns
import Foundation
import MariaDB

/// Saved audiences in `{prefix}bkntc_campaign_audiences` (DESIGN §16), tenant-scoped, with the
/// ids of the campaigns (`{prefix}bkntc_campaigns.audience_id`) that reference each.
///
/// Deletion and campaigns referencing an audience exclude each other through the audience row:
/// a delete locks it exclusively before it looks for campaigns, and a campaign's create, update
/// or duplicate reads it under a shared lock before storing the reference. Either the campaign
/// commits first (and the delete, reading after its lock, sees it) or the delete does (and the
/// campaign finds no audience: 400).
public struct MariaDBAudienceLibrary: AudienceLibrary {
    let pool: MariaDBPool
    let table: SQLIdentifier
    let campaigns: SQLIdentifier
    let clock: any WallClock
    let audit: AuditWriter
    let prefix: TablePrefix

    public init(pool: MariaDBPool, prefix: TablePrefix, clock: any WallClock) {
        self.pool = pool
        self.table = prefix.bkntc("campaign_audiences")
        self.campaigns = prefix.bkntc("campaigns")
        self.clock = clock
        self.audit = AuditWriter(prefix: prefix)
        self.prefix = prefix
    }

    /// "Now" in whole seconds, as DATETIME stores it.
    private func now() -> Date { Date(timeIntervalSince1970: clock.now().timeIntervalSince1970.rounded(.down)) }

    public func list(scope: TenantScope, channels: Set<Channel>, search: String?, page: PageRequest) async throws -> Page<SavedAudience> {
        let wanted = Channel.allCases.filter(channels.contains)
        if wanted.isEmpty { return Page(items: [], total: 0, page: page.page, perPage: page.perPage) }
        var filter: MariaDBQuery = "tenant_key = \(scope.key) AND channel IN (\(list: wanted))"
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            filter.append(" AND name LIKE \(likePattern(search)) ESCAPE '\\\\'")
        }
        let condition = filter
        return try await pool.withConnection { db in
            var found = try await db.page(
                from: table, where: condition, orderBy: SQLIdentifierList(("id", .descending)), page: page, map: Self.audience)
            let users = try await usedBy(db, scope: scope, ids: found.items.map(\.id))
            for index in found.items.indices { found.items[index].usedBy = users[found.items[index].id] ?? [] }
            return found
        }
    }

    public func get(scope: TenantScope, id: Int, access: AccessCheck) async throws -> SavedAudience {
        try await pool.withConnection { db in try await require(db, scope: scope, id: id, lock: false, access: access) }
    }

    public func create(scope: TenantScope, draft: AudienceDraft, by user: Int?) async throws -> SavedAudience {
        try await pool.withTransaction { tx in
            try await CustomerCategories.check(draft.filters, prefix: prefix, on: tx)
            let now = now()
            let id = try await tx.execute(
                """
                INSERT INTO \(identifier: table) (tenant_id, tenant_key, name, channel, segment, filters, created_by, created_at, updated_at)
                VALUES (\(scope.tenantID), \(scope.key), \(draft.name), \(draft.channel), \(Self.json(draft.segment)),
                  \(Self.json(draft.filters)), \(user), \(now), \(now))
                """
            ).lastInsertID
            let audience = try await require(tx, scope: scope, id: id, lock: false)
            try await record(tx, scope, user, .create, audience)
            return audience
        }
    }

    public func update(scope: TenantScope, id: Int, draft: AudienceDraft, access: AccessCheck, by user: Int?) async throws
        -> SavedAudience
    {
        try await pool.withTransaction { tx in
            _ = try await require(tx, scope: scope, id: id, lock: true, access: access)
            try access.check(draft.channel)
            try await CustomerCategories.check(draft.filters, prefix: prefix, on: tx)
            try await tx.execute(
                """
                UPDATE \(identifier: table) SET name = \(draft.name), channel = \(draft.channel), segment = \(Self.json(draft.segment)),
                  filters = \(Self.json(draft.filters)), updated_at = \(now())
                WHERE id = \(id) AND tenant_key = \(scope.key)
                """)
            let audience = try await require(tx, scope: scope, id: id, lock: false)
            try await record(tx, scope, user, .update, audience)
            return audience
        }
    }

    public func delete(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws {
        try await pool.withTransaction { tx in
            // The exclusive lock first: a campaign storing a reference holds a shared one.
            let existing = try await require(tx, scope: scope, id: id, lock: true, access: access)
            let blocking = try await tx.query(
                """
                SELECT id FROM \(identifier: campaigns)
                WHERE tenant_key = \(scope.key) AND audience_id = \(id)
                  AND (status IN (\(list: AudienceUse.blockingStatuses))
                    OR (recurrence IS NOT NULL AND recurrence <> '' AND status <> \(CampaignStatus.cancelled)))
                ORDER BY id
                """
            ).map { try $0.decode("id", as: Int.self) }
            if !blocking.isEmpty { throw AudienceUse.inUse(blocking) }
            // The others keep their copy of the segment.
            try await tx.execute(
                "UPDATE \(identifier: campaigns) SET audience_id = NULL WHERE tenant_key = \(scope.key) AND audience_id = \(id)")
            try await tx.execute("DELETE FROM \(identifier: table) WHERE id = \(id) AND tenant_key = \(scope.key)")
            try await record(tx, scope, user, .delete, existing)
        }
    }

    /// The tenant's audience with its `used_by` (404 otherwise), optionally locked, `access`
    /// checked on its channel.
    private func require(
        _ db: some MariaDBQueryable, scope: TenantScope, id: Int, lock: Bool, access: AccessCheck? = nil
    ) async throws -> SavedAudience {
        let locking: MariaDBQuery = lock ? " FOR UPDATE" : ""
        guard
            var audience = try await db.queryFirst(
                "SELECT * FROM \(identifier: table) WHERE id = \(id) AND tenant_key = \(scope.key)\(locking)"
            ).map(Self.audience)
        else { throw DomainError.notFound("audience") }
        try access?.check(audience.channel)
        audience.usedBy = try await usedBy(db, scope: scope, ids: [id])[id] ?? []
        return audience
    }

    /// The tenant's campaigns referencing each of `ids`, ascending.
    private func usedBy(_ db: some MariaDBQueryable, scope: TenantScope, ids: [Int]) async throws -> [Int: [Int]] {
        if ids.isEmpty { return [:] }
        var result: [Int: [Int]] = [:]
        let rows = try await db.query(
            """
            SELECT id, audience_id FROM \(identifier: campaigns)
            WHERE tenant_key = \(scope.key) AND audience_id IN (\(list: ids)) ORDER BY id
            """)
        for row in rows { result[try row.decode("audience_id", as: Int.self), default: []].append(try row.decode("id", as: Int.self)) }
        return result
    }

    /// The audit entry of a change, in the change's transaction.
    private func record(_ tx: MariaDBTransaction, _ scope: TenantScope, _ user: Int?, _ action: AuditAction, _ audience: SavedAudience)
        async throws
    {
        try await audit.write(
            tx,
            AuditEntry(
                at: clock.now(), scope: scope, userID: user, action: action, objectType: .audience, objectID: audience.id,
                channel: audience.channel, detail: ["name": .string(audience.name), "segment": .string(audience.segment.type.rawValue)]))
    }

    static func json<T: Encodable>(_ value: T) -> String { MariaDBCampaignRepository.json(value) }

    static func audience(_ row: MariaDBRow) throws -> SavedAudience {
        let (segment, filters) = try MariaDBCampaignRepository.segmentAndFilters(row)
        return SavedAudience(
            id: try row.decode("id"), name: try row.decode("name"), channel: try row.decode("channel", as: Channel.self),
            segment: segment, filters: filters, createdBy: try row.decode("created_by"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"))
    }
}
