import Campaigns
import Foundation
import MariaDB

/// Campaigns in `{prefix}bkntc_campaigns` and their recipients in `{prefix}bkntc_campaign_logs`.
/// Transitions are conditional UPDATEs (or row locks), so racing requests cannot both win.
public struct MariaDBCampaignRepository: CampaignRepository {
    let pool: MariaDBPool
    let campaigns: String
    let logs: String
    let templates: String
    let compiler: AudienceCompiler
    let clock: @Sendable () -> Date
    let settings: (any SiteSettings)?

    public init(
        pool: MariaDBPool, prefix: TablePrefix, defaultCountryCode: String?, settings: (any SiteSettings)? = nil,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.settings = settings
        self.pool = pool
        self.campaigns = prefix.bkntc("campaigns")
        self.logs = prefix.bkntc("campaign_logs")
        self.templates = prefix.bkntc("campaign_templates")
        self.compiler = AudienceCompiler(tables: prefix.audienceTables, defaultCountryCode: defaultCountryCode)
        self.clock = clock
    }

    // MARK: - CRUD

    public func create(scope: TenantScope, draft: CampaignDraft, createdBy: Int?) async throws -> Campaign {
        try await checkTemplate(scope: scope, draft: draft)
        let now = utcNow(clock())
        let id = try await pool.withConnection { db in
            try await db.execute(
                """
                INSERT INTO \(campaigns) (tenant_id, tenant_key, channel, name, status, segment, filters, template_id,
                  subject, body, content_sid, content_variables, scheduled_at, recurrence, created_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [scope.tenantID, scope.key] + fields(draft) + [createdBy, now, now]
            ).lastInsertID
        }
        return try await require(scope: scope, id: id)
    }

    public func get(scope: TenantScope, id: Int) async throws -> Campaign? {
        try await pool.withConnection { db in try await fetch(db, scope: scope, id: id, lock: false) }
    }

    public func list(scope: TenantScope, query: CampaignListQuery, page: PageRequest) async throws -> Page<Campaign> {
        let channels = Channel.allCases.filter { query.channels.contains($0) && (query.channel == nil || query.channel == $0) }
        if channels.isEmpty { return Page(items: [], total: 0, page: page.page, perPage: page.perPage) }
        var filter = "tenant_key = ? AND channel IN (\(channels.map { _ in "?" }.joined(separator: ", ")))"
        var binds: [any MariaDBBindable] = [scope.key] + channels.map(\.rawValue)
        if let status = query.status {
            filter += " AND status = ?"
            binds.append(status.rawValue)
        }
        if let search = query.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            filter += " AND name LIKE ? ESCAPE '\\\\'"
            binds.append(likePattern(search))
        }
        let condition = filter
        let conditionBinds = binds
        return try await pool.withConnection { db in
            try await db.page(from: campaigns, where: condition, conditionBinds, orderBy: "id DESC", page: page, map: Self.campaign)
        }
    }

    public func update(scope: TenantScope, id: Int, draft: CampaignDraft) async throws -> Campaign {
        try await checkTemplate(scope: scope, draft: draft)
        try await pool.withTransaction { db in
            guard let current = try await fetch(db, scope: scope, id: id, lock: true) else { throw DomainError.notFound("campaign") }
            let attempted = try await attemptedRows(db, id: id)
            _ = try CampaignLifecycle(status: current.status, attemptedRows: attempted).apply(.edit)
            try await db.execute("DELETE FROM \(logs) WHERE campaign_id = ?", [id])
            try await db.execute(
                """
                UPDATE \(campaigns) SET channel = ?, name = ?, segment = ?, filters = ?, template_id = ?, subject = ?,
                  body = ?, content_sid = ?, content_variables = ?, scheduled_at = ?, recurrence = ?, status = 'draft',
                  status_reason = NULL, total_count = 0, started_at = NULL, finished_at = NULL, updated_at = ?
                WHERE id = ? AND tenant_key = ?
                """, fields(draft) + [utcNow(clock()), id, scope.key])
        }
        return try await require(scope: scope, id: id)
    }

    public func delete(scope: TenantScope, id: Int) async throws {
        try await pool.withTransaction { db in
            guard let current = try await fetch(db, scope: scope, id: id, lock: true) else { throw DomainError.notFound("campaign") }
            _ = try CampaignLifecycle(status: current.status, attemptedRows: 0).apply(.delete)
            try await db.execute("DELETE FROM \(logs) WHERE campaign_id = ?", [id])
            try await db.execute("DELETE FROM \(campaigns) WHERE id = ? AND tenant_key = ?", [id, scope.key])
        }
    }

    public func duplicate(scope: TenantScope, id: Int, createdBy: Int?) async throws -> Campaign {
        guard let source = try await get(scope: scope, id: id) else { throw DomainError.notFound("campaign") }
        let suffix = " (copy)"
        let name = source.name.count + suffix.count > 190 ? String(source.name.prefix(190 - suffix.count)) + suffix : source.name + suffix
        let draft = CampaignDraft(
            channel: source.channel, name: name, segment: source.segment, filters: source.filters,
            templateID: source.templateID, subject: source.subject, body: source.body, contentSID: source.contentSID,
            contentVariables: source.contentVariables,
            scheduledAt: (source.scheduledAt ?? .distantPast) > clock() ? source.scheduledAt : nil,
            recurrence: source.recurrence, warnings: [])
        return try await create(scope: scope, draft: draft, createdBy: createdBy)
    }

    // MARK: - Lifecycle

    public func send(scope: TenantScope, id: Int) async throws -> Campaign {
        try await pool.withTransaction { db in
            guard let current = try await fetch(db, scope: scope, id: id, lock: true) else { throw DomainError.notFound("campaign") }
            _ = try CampaignLifecycle(status: current.status, attemptedRows: 0).apply(.send)
            let now = clock()
            if let scheduledAt = current.scheduledAt, scheduledAt > now {
                try await db.execute(
                    "UPDATE \(campaigns) SET status = 'scheduled', status_reason = NULL, updated_at = ? WHERE id = ?",
                    [utcNow(now), id])
            } else {
                try await snapshot(db, campaign: current, scope: scope, now: now)
            }
        }
        return try await require(scope: scope, id: id)
    }

    /// Freezes the audience into the logs as `pending` for a new run and moves the campaign to
    /// `queued` (or `failed`/`no_recipients`). Runs inside the caller's transaction with the
    /// campaign row locked; the sending engine calls this when a scheduled campaign falls due.
    public func snapshot(_ db: MariaDBSession, campaign: Campaign, scope: TenantScope, now: Date) async throws {
        let run = campaign.currentRun + 1
        let stamp = utcNow(now)
        let insert = compiler.snapshot(
            try await audience(of: campaign, in: scope), now: Int(now.timeIntervalSince1970), logsTable: logs, campaignID: campaign.id,
            run: run, createdAt: stamp)
        let inserted = try await db.execute(insert).affectedRows
        if inserted == 0 {
            try await db.execute(
                """
                UPDATE \(campaigns) SET status = 'failed', status_reason = 'no_recipients', current_run = ?, total_count = 0,
                  started_at = ?, finished_at = ?, updated_at = ? WHERE id = ?
                """, [run, stamp, stamp, stamp, campaign.id])
        } else {
            try await db.execute(
                """
                UPDATE \(campaigns) SET status = 'queued', status_reason = NULL, current_run = ?, total_count = ?,
                  started_at = ?, finished_at = NULL, updated_at = ? WHERE id = ?
                """, [run, inserted, stamp, stamp, campaign.id])
        }
    }

    public func transition(scope: TenantScope, id: Int, action: CampaignAction) async throws -> Campaign {
        precondition(action == .pause || action == .resume || action == .cancel, "use send/update/delete")
        try await pool.withTransaction { db in
            guard let current = try await fetch(db, scope: scope, id: id, lock: true) else { throw DomainError.notFound("campaign") }
            let target = try CampaignLifecycle(status: current.status, attemptedRows: 0).apply(action)
            let now = utcNow(clock())
            let sources = CampaignLifecycle.allowedSources(for: action).map(\.rawValue).sorted()
            let changed = try await db.execute(
                """
                UPDATE \(campaigns) SET status = ?, updated_at = ?\(action == .cancel ? ", finished_at = ?" : "")
                WHERE id = ? AND tenant_key = ? AND status IN (\(sources.map { _ in "?" }.joined(separator: ", ")))
                """, [target.rawValue, now] + (action == .cancel ? [now] : []) + [id, scope.key] + sources)
            guard changed.affectedRows == 1 else {
                throw DomainError.conflict(code: "invalid_transition", message: "the campaign changed meanwhile; reload it")
            }
            if action == .cancel {
                try await db.execute(
                    """
                    UPDATE \(logs) SET status = 'skipped', last_error = 'cancelled', updated_at = ?
                    WHERE campaign_id = ? AND status = 'pending'
                    """, [now, id])
            }
        }
        return try await require(scope: scope, id: id)
    }

    // MARK: - Reading

    public func progress(scope: TenantScope, id: Int) async throws -> CampaignProgress {
        guard let campaign = try await get(scope: scope, id: id) else { throw DomainError.notFound("campaign") }
        return try await counters(scope: scope, campaigns: [campaign])[id] ?? CampaignProgress(status: campaign.status)
    }

    public func counters(scope: TenantScope, campaigns: [Campaign]) async throws -> [Int: CampaignProgress] {
        var result: [Int: CampaignProgress] = [:]
        for campaign in campaigns { result[campaign.id] = CampaignProgress(status: campaign.status) }
        let started = campaigns.filter { $0.currentRun > 0 }
        if started.isEmpty { return result }
        let pairs = started.map { _ in "(?, ?)" }.joined(separator: ", ")
        let binds: [any MariaDBBindable] = [scope.key] + started.flatMap { [$0.id, $0.currentRun] as [any MariaDBBindable] }
        let rows = try await pool.withConnection { db in
            try await db.query(
                """
                SELECT campaign_id, status, COUNT(*) AS n FROM \(logs)
                WHERE tenant_key = ? AND (campaign_id, run) IN (\(pairs)) GROUP BY campaign_id, status
                """, binds)
        }
        for row in rows {
            let id = try row.decode("campaign_id", as: Int.self)
            let count = try row.decode("n", as: Int.self)
            guard var progress = result[id] else { continue }
            progress.total += count
            switch try row.decode("status", as: String.self) {
            case "sent": progress.sent += count
            case "delivered":
                progress.sent += count
                progress.delivered += count
            case "failed", "undelivered": progress.failed += count
            case "skipped": progress.skipped += count
            case "pending": progress.pending += count
            case "sending": progress.sending += count
            default: break
            }
            result[id] = progress
        }
        return result
    }

    public func logs(scope: TenantScope, id: Int, status: String?, page: PageRequest) async throws -> Page<CampaignLogRow> {
        try await pool.withConnection { db in
            guard let campaign = try await fetch(db, scope: scope, id: id, lock: false) else { throw DomainError.notFound("campaign") }
            var filter = "campaign_id = ? AND run = ? AND tenant_key = ?"
            var binds: [any MariaDBBindable] = [id, campaign.currentRun, scope.key]
            if let status {
                filter += " AND status = ?"
                binds.append(status)
            }
            return try await db.page(from: logs, where: filter, binds, orderBy: "id", page: page, map: Self.logRow)
        }
    }

    public func streamLogs(
        scope: TenantScope, id: Int, limit: Int?, _ handle: ([CampaignLogRow]) async throws -> Void
    ) async throws {
        try await pool.withConnection { db in
            guard let campaign = try await fetch(db, scope: scope, id: id, lock: false) else { throw DomainError.notFound("campaign") }
            try await db.streamRows(
                "SELECT * FROM \(logs) WHERE campaign_id = ? AND run = ? AND tenant_key = ? ORDER BY id LIMIT ?",
                [id, campaign.currentRun, scope.key, limit ?? Int(Int32.max)], batchSize: 1000
            ) { rows in
                try await handle(try rows.map(Self.logRow))
            }
        }
    }

    public func previewRecipients(scope: TenantScope, id: Int, limit: Int) async throws -> [Recipient] {
        try await pool.withConnection { db in
            guard let campaign = try await fetch(db, scope: scope, id: id, lock: false) else { throw DomainError.notFound("campaign") }
            if campaign.currentRun > 0 {
                let rows = try await db.query(
                    """
                    SELECT customer_id AS id, address, first_name, last_name FROM \(logs)
                    WHERE campaign_id = ? AND run = ? ORDER BY id LIMIT ?
                    """, [id, campaign.currentRun, limit])
                return try rows.map(MariaDBAudienceRepository.recipient)
            }
            let query = compiler.preview(
                try await audience(of: campaign, in: scope), now: Int(clock().timeIntervalSince1970), sampleSize: limit)
            return try await db.query(query).map(MariaDBAudienceRepository.recipient)
        }
    }

    // MARK: - Helpers

    /// The campaign's audience with the tenant's country-code setting.
    private func audience(of campaign: Campaign, in scope: TenantScope) async throws -> AudienceDefinition {
        var audience = campaign.audience(in: scope)
        audience.countryCode = try await settings?.defaultCountryCode(scope: scope)
        return audience
    }

    private func fields(_ draft: CampaignDraft) -> [any MariaDBBindable] {
        [
            draft.channel.rawValue, draft.name, Self.json(draft.segment), Self.json(draft.filters), draft.templateID,
            draft.subject, draft.body, draft.contentSID, draft.contentVariables.map { Self.json($0) },
            draft.scheduledAt, draft.recurrence,
        ]
    }

    private func checkTemplate(scope: TenantScope, draft: CampaignDraft) async throws {
        guard let templateID = draft.templateID else { return }
        let found = try await pool.withConnection { db in
            try await db.queryFirst(
                """
                SELECT id FROM \(templates) WHERE id = ? AND channel = ?
                  AND (is_builtin = 1 OR (is_builtin = 0 AND tenant_key = ?))
                """, [templateID, draft.channel.rawValue, scope.key])
        }
        if found == nil {
            throw DomainError.validation(field: "template_id", message: "no \(draft.channel.rawValue) template with id \(templateID)")
        }
    }

    private func attemptedRows(_ db: MariaDBSession, id: Int) async throws -> Int {
        try await db.queryFirst("SELECT COUNT(*) AS n FROM \(logs) WHERE campaign_id = ? AND attempts > 0", [id])?
            .decode("n", as: Int.self) ?? 0
    }

    private func fetch(_ db: MariaDBSession, scope: TenantScope, id: Int, lock: Bool) async throws -> Campaign? {
        try await db.queryFirst(
            "SELECT * FROM \(campaigns) WHERE id = ? AND tenant_key = ?\(lock ? " FOR UPDATE" : "")", [id, scope.key]
        ).map(Self.campaign)
    }

    private func require(scope: TenantScope, id: Int) async throws -> Campaign {
        guard let campaign = try await get(scope: scope, id: id) else { throw DomainError.notFound("campaign") }
        return campaign
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func campaign(_ row: MariaDBRow) throws -> Campaign {
        let decoder = JSONDecoder()
        guard let channel = Channel(rawValue: try row.decode("channel")),
            let status = CampaignStatus(rawValue: try row.decode("status"))
        else { throw MariaDBError.decoding(column: "channel/status", expected: "known value", found: "unknown") }
        let segment = try decoder.decode(Segment.self, from: Data(try row.decode("segment", as: String.self).utf8))
        let filters = try (try row.decode("filters", as: String?.self)).map {
            try decoder.decode(SegmentFilters.self, from: Data($0.utf8))
        } ?? SegmentFilters()
        let variables = try (try row.decode("content_variables", as: String?.self)).map {
            try decoder.decode([String: String].self, from: Data($0.utf8))
        }
        return Campaign(
            id: try row.decode("id"), channel: channel, name: try row.decode("name"), status: status,
            statusReason: try row.decode("status_reason"), segment: segment, filters: filters,
            templateID: try row.decode("template_id"), subject: try row.decode("subject"), body: try row.decode("body"),
            contentSID: try row.decode("content_sid"), contentVariables: variables,
            scheduledAt: try row.decode("scheduled_at"), recurrence: try row.decode("recurrence"),
            currentRun: try row.decode("current_run"), totalCount: try row.decode("total_count"),
            createdBy: try row.decode("created_by"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"), startedAt: try row.decode("started_at"),
            finishedAt: try row.decode("finished_at"))
    }

    static func logRow(_ row: MariaDBRow) throws -> CampaignLogRow {
        CampaignLogRow(
            id: try row.decode("id"), run: try row.decode("run"), customerID: try row.decode("customer_id"),
            address: try row.decode("address"), firstName: try row.decode("first_name"),
            lastName: try row.decode("last_name"), status: try row.decode("status"), attempts: try row.decode("attempts"),
            nextAttemptAt: try row.decode("next_attempt_at"), lastError: try row.decode("last_error"),
            providerMessageID: try row.decode("provider_message_id"), sentAt: try row.decode("sent_at"),
            updatedAt: try row.decode("updated_at"))
    }
}
