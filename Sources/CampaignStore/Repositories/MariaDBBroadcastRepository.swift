import Campaigns
import Foundation
import MariaDB

/// Broadcasts in `{prefix}bkntc_campaign_broadcasts` (DESIGN §14) over their campaigns, which
/// stay ordinary campaigns with `broadcast_id`. Every change locks the broadcast row, then its
/// campaigns, checks the caller's capability on every one of them and changes them in the same
/// transaction through the campaign repository's own steps, so §4's rules and the audit trail
/// are the campaigns'. Every method takes one lease.
public struct MariaDBBroadcastRepository: BroadcastRepository {
    let campaigns: MariaDBCampaignRepository
    let table: SQLIdentifier

    public init(campaigns: MariaDBCampaignRepository) {
        self.campaigns = campaigns
        self.table = campaigns.prefix.bkntc("campaign_broadcasts")
    }

    var pool: MariaDBPool { campaigns.pool }

    public func create(scope: TenantScope, draft: BroadcastDraft, createdBy: Int?) async throws -> BroadcastView {
        try await pool.withTransaction { tx in
            let now = campaigns.now()
            let id = try await tx.execute(
                """
                INSERT INTO \(identifier: table) (tenant_id, tenant_key, name, channels, mode, created_by, created_at, updated_at)
                VALUES (\(scope.tenantID), \(scope.key), \(draft.name), \(Self.channelsText(draft.channels)), \(draft.mode),
                  \(createdBy), \(now), \(now))
                """
            ).lastInsertID
            var views: [CampaignView] = []
            for campaignDraft in draft.campaigns {
                try await campaigns.checkTemplate(tx, scope: scope, draft: campaignDraft)
                let resolved = try await campaigns.withSavedAudience(tx, scope: scope, campaignDraft)
                let view = try await campaigns.insert(tx, scope: scope, draft: resolved, createdBy: createdBy)
                var detail = CampaignAuditDetail.created(resolved)
                detail["broadcast_id"] = .number(Double(id))
                views.append(try await adopt(tx, scope: scope, view, into: id, by: createdBy, .create, detail))
            }
            guard let broadcast = try await require(tx, scope: scope, id: id, lock: false) else { throw DomainError.notFound("broadcast") }
            return BroadcastView(broadcast: broadcast, campaigns: views)
        }
    }

    public func view(scope: TenantScope, id: Int, access: AccessCheck) async throws -> BroadcastView {
        try await pool.withConnection { db in
            let (broadcast, members) = try await load(db, scope: scope, id: id, lock: false, access: access)
            let counters = try await campaigns.counters(db, scope: scope, campaigns: members)
            return BroadcastView(
                broadcast: broadcast,
                campaigns: members.map { CampaignView(campaign: $0, progress: counters[$0.id] ?? CampaignProgress(status: $0.status)) })
        }
    }

    public func list(scope: TenantScope, search: String?, channels: Set<Channel>, page: PageRequest) async throws -> Page<BroadcastView> {
        let hidden = Channel.allCases.filter { !channels.contains($0) }
        var filter: MariaDBQuery = "tenant_key = \(scope.key)"
        if !hidden.isEmpty {
            filter.append(
                """
                 AND NOT EXISTS (SELECT 1 FROM \(identifier: campaigns.campaigns) c WHERE c.tenant_key = \(scope.key)
                  AND c.broadcast_id = \(identifier: table).id AND c.channel IN (\(list: hidden)))
                """)
        }
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            filter.append(" AND name LIKE \(likePattern(search)) ESCAPE '\\\\'")
        }
        let condition = filter
        return try await pool.withConnection { db in
            let found = try await db.page(
                from: table, where: condition, orderBy: SQLIdentifierList(("id", .descending)), page: page, map: Self.broadcast)
            if found.items.isEmpty { return Page(items: [], total: found.total, page: found.page, perPage: found.perPage) }
            let members = try await db.query(
                """
                SELECT * FROM \(identifier: campaigns.campaigns)
                WHERE tenant_key = \(scope.key) AND broadcast_id IN (\(list: found.items.map(\.id))) ORDER BY id
                """
            ).map(MariaDBCampaignRepository.campaign)
            let counters = try await campaigns.counters(db, scope: scope, campaigns: members)
            let views = found.items.map { broadcast in
                BroadcastView(
                    broadcast: broadcast,
                    campaigns: members.filter { $0.broadcastID == broadcast.id }.map {
                        CampaignView(campaign: $0, progress: counters[$0.id] ?? CampaignProgress(status: $0.status))
                    })
            }
            return Page(items: views, total: found.total, page: found.page, perPage: found.perPage)
        }
    }

    public func delete(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws {
        try await pool.withTransaction { tx in
            let (_, members) = try await load(tx, scope: scope, id: id, lock: true, access: access)
            for campaign in members { try await campaigns.delete(tx, scope: scope, id: campaign.id, access: access, by: user) }
            try await tx.execute("DELETE FROM \(identifier: table) WHERE id = \(id) AND tenant_key = \(scope.key)")
        }
    }

    public func duplicate(scope: TenantScope, id: Int, createdBy: Int?, access: AccessCheck) async throws -> BroadcastView {
        try await pool.withTransaction { tx in
            let (source, members) = try await load(tx, scope: scope, id: id, lock: false, access: access)
            let suffix = " (copy)"
            let name = source.name.count + suffix.count > 190 ? String(source.name.prefix(190 - suffix.count)) + suffix : source.name + suffix
            let now = campaigns.now()
            let copyID = try await tx.execute(
                """
                INSERT INTO \(identifier: table) (tenant_id, tenant_key, name, channels, mode, created_by, created_at, updated_at)
                VALUES (\(scope.tenantID), \(scope.key), \(name), \(Self.channelsText(source.channels)), \(source.mode),
                  \(createdBy), \(now), \(now))
                """
            ).lastInsertID
            var views: [CampaignView] = []
            for campaign in members {
                let copy = try await campaigns.duplicate(tx, scope: scope, id: campaign.id, createdBy: createdBy, access: access)
                views.append(try await adopt(tx, scope: scope, copy, into: copyID, by: nil, nil, [:]))
            }
            guard let broadcast = try await require(tx, scope: scope, id: copyID, lock: false) else {
                throw DomainError.notFound("broadcast")
            }
            return BroadcastView(broadcast: broadcast, campaigns: views)
        }
    }

    // MARK: - Helpers

    /// Marks a new campaign as one channel of broadcast `id` and writes its audit entry (when
    /// `action` is given) naming the broadcast.
    func adopt(
        _ tx: MariaDBTransaction, scope: TenantScope, _ view: CampaignView, into id: Int, by user: Int?, _ action: AuditAction?,
        _ detail: [String: JSONValue]
    ) async throws -> CampaignView {
        try await tx.execute(
            "UPDATE \(identifier: campaigns.campaigns) SET broadcast_id = \(id) WHERE id = \(view.campaign.id) AND tenant_key = \(scope.key)")
        var adopted = view
        adopted.campaign.broadcastID = id
        if let action { try await campaigns.record(tx, scope, user, action, adopted.campaign, detail) }
        return adopted
    }

    /// The tenant's broadcast, optionally locked; nil when it has none by that id.
    func require(_ db: some MariaDBQueryable, scope: TenantScope, id: Int, lock: Bool) async throws -> Broadcast? {
        let locking: MariaDBQuery = lock ? " FOR UPDATE" : ""
        return try await db.queryFirst("SELECT * FROM \(identifier: table) WHERE id = \(id) AND tenant_key = \(scope.key)\(locking)")
            .map(Self.broadcast)
    }

    /// The broadcast and its campaigns in channel order (404 otherwise), locked when `lock`,
    /// with `access` checked on every campaign, so on every channel.
    func load(
        _ db: some MariaDBQueryable, scope: TenantScope, id: Int, lock: Bool, access: AccessCheck
    ) async throws -> (Broadcast, [Campaign]) {
        guard let broadcast = try await require(db, scope: scope, id: id, lock: lock) else { throw DomainError.notFound("broadcast") }
        let locking: MariaDBQuery = lock ? " FOR UPDATE" : ""
        let members = try await db.query(
            """
            SELECT * FROM \(identifier: campaigns.campaigns)
            WHERE tenant_key = \(scope.key) AND broadcast_id = \(id) ORDER BY id\(locking)
            """
        ).map(MariaDBCampaignRepository.campaign)
        for campaign in members { try access.check(campaign.channel) }
        let ordered = members.sorted {
            (broadcast.channels.firstIndex(of: $0.channel) ?? 9) < (broadcast.channels.firstIndex(of: $1.channel) ?? 9)
        }
        return (broadcast, ordered)
    }

    /// The stored `channels` column: a JSON array in order, e.g. `["sms","email"]`.
    static func channelsText(_ channels: [Channel]) -> String {
        MariaDBCampaignRepository.json(channels.map(\.rawValue))
    }

    static func broadcast(_ row: MariaDBRow) throws -> Broadcast {
        let names = try JSONDecoder().decode([String].self, from: Data(try row.decode("channels", as: String.self).utf8))
        return Broadcast(
            id: try row.decode("id"), tenantID: try row.decode("tenant_id"), name: try row.decode("name"),
            channels: names.compactMap(Channel.init(rawValue:)), mode: try row.decodeIfPresent("mode", as: BroadcastMode.self) ?? .all,
            createdBy: try row.decode("created_by"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}
