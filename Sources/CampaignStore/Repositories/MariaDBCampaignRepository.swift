import Campaigns
import Foundation
import MariaDB

/// Campaigns in `{prefix}bkntc_campaigns` and their recipients in `{prefix}bkntc_campaign_logs`.
/// Transitions lock the campaign row, check the caller's capability on that locked row, and
/// change it in the same transaction. Every method takes one lease.
public struct MariaDBCampaignRepository: CampaignRepository {
    public let pool: MariaDBPool
    let campaigns: SQLIdentifier
    let logs: SQLIdentifier
    /// Tracked links (DESIGN §18), deleted with their campaign.
    let links: SQLIdentifier
    let templates: SQLIdentifier
    let suppressions: SQLIdentifier
    let compiler: AudienceCompiler
    let clock: any WallClock
    let settings: MariaDBSiteSettings
    let audit: AuditWriter
    let prefix: TablePrefix

    public init(pool: MariaDBPool, prefix: TablePrefix, settings: MariaDBSiteSettings, clock: any WallClock) {
        self.pool = pool
        self.prefix = prefix
        self.audit = AuditWriter(prefix: prefix)
        self.campaigns = prefix.bkntc("campaigns")
        self.logs = prefix.bkntc("campaign_logs")
        self.links = prefix.bkntc("campaign_links")
        self.templates = prefix.bkntc("campaign_templates")
        self.suppressions = prefix.bkntc("campaign_suppressions")
        self.compiler = AudienceCompiler(tables: prefix.audienceTables)
        self.settings = settings
        self.clock = clock
    }

    /// "Now" as the DATETIME columns store it (whole seconds), so answers equal later reads.
    func now() -> Date { Date(timeIntervalSince1970: clock.now().timeIntervalSince1970.rounded(.down)) }

    // MARK: - CRUD

    public func create(scope: TenantScope, draft: CampaignDraft, createdBy: Int?) async throws -> CampaignView {
        try await pool.withTransaction { tx in
            try await checkTemplate(tx, scope: scope, draft: draft)
            let draft = try await withSavedAudience(tx, scope: scope, draft)
            let view = try await insert(tx, scope: scope, draft: draft, createdBy: createdBy)
            try await record(tx, scope, createdBy, .create, view.campaign, CampaignAuditDetail.created(draft))
            return view
        }
    }

    /// Writes the audit entry of a change to `campaign`, in the change's transaction.
    func record(
        _ tx: MariaDBTransaction, _ scope: TenantScope, _ user: Int?, _ action: AuditAction, _ campaign: Campaign,
        _ detail: [String: JSONValue]
    ) async throws {
        try await audit.write(
            tx,
            AuditEntry(
                at: now(), scope: scope, userID: user, action: action, objectType: .campaign, objectID: campaign.id,
                channel: campaign.channel, detail: detail))
    }

    public func view(scope: TenantScope, id: Int, access: AccessCheck) async throws -> CampaignView {
        try await pool.withConnection { db in
            let campaign = try await require(db, scope: scope, id: id, lock: false, access: access)
            return try await view(db, scope: scope, campaign)
        }
    }

    public func list(scope: TenantScope, query: CampaignListQuery, page: PageRequest) async throws -> Page<CampaignView> {
        let channels = Channel.allCases.filter { query.channels.contains($0) && (query.channel == nil || query.channel == $0) }
        if channels.isEmpty { return Page(items: [], total: 0, page: page.page, perPage: page.perPage) }
        var filter: MariaDBQuery = "tenant_key = \(scope.key) AND channel IN (\(list: channels))"
        if let status = query.status { filter.append(" AND status = \(status)") }
        if let kind = query.kind { filter.append(" AND kind = \(kind)") }
        if let broadcastID = query.broadcastID { filter.append(" AND broadcast_id = \(broadcastID)") }
        if let search = query.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            filter.append(" AND name LIKE \(likePattern(search)) ESCAPE '\\\\'")
        }
        let condition = filter
        return try await pool.withConnection { db in
            let found = try await db.page(
                from: campaigns, where: condition, orderBy: SQLIdentifierList(("id", .descending)), page: page, map: Self.campaign)
            let counters = try await counters(db, scope: scope, campaigns: found.items)
            return Page(
                items: found.items.map { CampaignView(campaign: $0, progress: counters[$0.id] ?? CampaignProgress(status: $0.status)) },
                total: found.total, page: found.page, perPage: found.perPage)
        }
    }

    public func update(scope: TenantScope, id: Int, draft: CampaignDraft, access: AccessCheck, by user: Int?) async throws -> CampaignView {
        try await pool.withTransaction { tx in try await update(tx, scope: scope, id: id, draft: draft, access: access, by: user) }
    }

    /// The edit in the caller's transaction (a broadcast edits its campaigns together).
    func update(
        _ tx: MariaDBTransaction, scope: TenantScope, id: Int, draft: CampaignDraft, access: AccessCheck, by user: Int?
    ) async throws -> CampaignView {
        let current = try await require(tx, scope: scope, id: id, lock: true, access: access)
        if current.kind == .manual { throw DomainError.conflict(.invalidTransition, message: Self.manualMessage) }
        try access.check(draft.channel)
        try await checkTemplate(tx, scope: scope, draft: draft)
        let draft = try await withSavedAudience(tx, scope: scope, draft)
        // A row counts as attempted once it left `pending` for anything but a skip, or failed
        // before: a batch in flight has not recorded its attempts yet, but its rows are `sending`.
        let rows = try await tx.queryFirst(
            """
            SELECT COALESCE(SUM(status = \(LogStatus.sending)), 0) AS sending,
              COALESCE(SUM(attempts > 0 OR status NOT IN (\(list: [LogStatus.pending, .skipped]))), 0) AS attempted
            FROM \(identifier: logs) WHERE campaign_id = \(id) AND tenant_key = \(scope.key)
            """)
        if try rows?.decode("sending", as: Int.self) ?? 0 > 0 {
            throw DomainError.conflict(
                .campaignLocked, message: "messages of this campaign are being sent right now; wait for them, then edit")
        }
        let attempted = try rows?.decode("attempted", as: Int.self) ?? 0
        _ = try CampaignLifecycle(status: current.status, attemptedRows: attempted).apply(.edit)
        try await tx.execute("DELETE FROM \(identifier: links) WHERE campaign_id = \(id) AND tenant_key = \(scope.key)")
        try await tx.execute("DELETE FROM \(identifier: logs) WHERE campaign_id = \(id) AND tenant_key = \(scope.key)")
        try await tx.execute(
            """
            UPDATE \(identifier: campaigns) SET channel = \(draft.channel), name = \(draft.name),
              segment = \(Self.json(draft.segment)), filters = \(Self.json(draft.filters)), audience_id = \(draft.audienceID),
              template_id = \(draft.templateID),
              subject = \(draft.subject), body = \(draft.body), content_sid = \(draft.contentSID),
              content_variables = \(draft.contentVariables.map { Self.json($0) }), scheduled_at = \(draft.scheduledAt),
              recurrence = \(draft.recurrence?.source), repeat_rule = \(draft.repeatRule.map { Self.json($0) }),
              holdout_percent = \(draft.holdoutPercent), \(LocalizedColumns.assignments(draft.localized)),
              status = \(CampaignStatus.draft), status_reason = NULL, total_count = 0,
              started_at = NULL, finished_at = NULL, updated_at = \(now())
            WHERE id = \(id) AND tenant_key = \(scope.key)
            """)
        let campaign = try await require(tx, scope: scope, id: id, lock: false)
        try await record(tx, scope, user, .update, campaign, CampaignAuditDetail.updated(from: current, to: draft))
        return CampaignView(campaign: campaign, progress: CampaignProgress(status: campaign.status))
    }

    public func delete(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws {
        try await pool.withTransaction { tx in try await delete(tx, scope: scope, id: id, access: access, by: user) }
    }

    /// The deletion in the caller's transaction (a broadcast deletes its campaigns together).
    func delete(_ tx: MariaDBTransaction, scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws {
        let current = try await require(tx, scope: scope, id: id, lock: true, access: access)
        _ = try CampaignLifecycle(status: current.status, attemptedRows: 0).apply(.delete)
        try await tx.execute("DELETE FROM \(identifier: links) WHERE campaign_id = \(id) AND tenant_key = \(scope.key)")
        try await tx.execute("DELETE FROM \(identifier: logs) WHERE campaign_id = \(id) AND tenant_key = \(scope.key)")
        try await tx.execute("DELETE FROM \(identifier: campaigns) WHERE id = \(id) AND tenant_key = \(scope.key)")
        try await record(tx, scope, user, .delete, current, CampaignAuditDetail.transition(current, to: nil))
    }

    // MARK: - Helpers

    /// The campaign with its counters, on the caller's connection.
    func view(_ db: some MariaDBQueryable, scope: TenantScope, _ campaign: Campaign) async throws -> CampaignView {
        let counters = try await counters(db, scope: scope, campaigns: [campaign])
        return CampaignView(campaign: campaign, progress: counters[campaign.id] ?? CampaignProgress(status: campaign.status))
    }

    /// Row counts of each campaign's current run, keyed by campaign id, in one query.
    func counters(_ db: some MariaDBQueryable, scope: TenantScope, campaigns: [Campaign]) async throws -> [Int: CampaignProgress] {
        var result: [Int: CampaignProgress] = [:]
        for campaign in campaigns {
            var progress = CampaignProgress(status: campaign.status)
            progress.run = campaign.currentRun
            result[campaign.id] = progress
        }
        let started = campaigns.filter { $0.currentRun > 0 }
        if started.isEmpty { return result }
        let now = clock.now()
        let pairs = MariaDBQuery.joined(started.map { "(\($0.id), \($0.currentRun))" }, separator: ", ")
        let rows = try await db.query(
            """
            SELECT campaign_id, status, COUNT(*) AS n, SUM(attempts > 0) AS retried,
              SUM(held = 1 AND next_attempt_at > \(now)) AS held,
              MIN(CASE WHEN held = 1 AND next_attempt_at > \(now) THEN next_attempt_at END) AS next_release,
              SUM(sent_at >= \(now.addingTimeInterval(-60))) AS recent,
              SUM(clicked_at IS NOT NULL) AS clicked, SUM(opened_at IS NOT NULL) AS opened
            FROM \(identifier: logs)
            WHERE tenant_key = \(scope.key) AND (campaign_id, run) IN (\(pairs)) GROUP BY campaign_id, status
            """)
        for row in rows {
            let id = try row.decode("campaign_id", as: Int.self)
            let status = try row.decode("status", as: LogStatus.self)
            result[id]?.add(try row.decode("n", as: Int.self), status)
            result[id]?.clicked += try row.decode("clicked", as: Int?.self) ?? 0
            result[id]?.opened += try row.decode("opened", as: Int?.self) ?? 0
            if status == .pending {
                result[id]?.retrying += try row.decode("retried", as: Int?.self) ?? 0
                result[id]?.waiting += try row.decode("held", as: Int?.self) ?? 0
                result[id]?.nextReleaseAt = try row.decode("next_release", as: Date?.self)
            }
            if LogStatus.reached.contains(status) { result[id]?.sentLastMinute += try row.decode("recent", as: Int?.self) ?? 0 }
        }
        return result
    }

    /// Stores a new draft and reads it back.
    func insert(_ db: some MariaDBQueryable, scope: TenantScope, draft: CampaignDraft, createdBy: Int?) async throws -> CampaignView {
        let now = now()
        let id = try await db.execute(
            """
            INSERT INTO \(identifier: campaigns) (tenant_id, tenant_key, channel, name, status, segment, filters, audience_id, template_id,
              subject, body, content_sid, content_variables, scheduled_at, recurrence, repeat_rule, holdout_percent, created_by,
              created_at, updated_at, \(LocalizedColumns.names))
            VALUES (\(scope.tenantID), \(scope.key), \(draft.channel), \(draft.name), \(CampaignStatus.draft),
              \(Self.json(draft.segment)), \(Self.json(draft.filters)), \(draft.audienceID), \(draft.templateID), \(draft.subject),
              \(draft.body),
              \(draft.contentSID), \(draft.contentVariables.map { Self.json($0) }), \(draft.scheduledAt), \(draft.recurrence?.source),
              \(draft.repeatRule.map { Self.json($0) }), \(draft.holdoutPercent), \(createdBy), \(now), \(now),
              \(LocalizedColumns.values(draft.localized)))
            """
        ).lastInsertID
        let campaign = try await require(db, scope: scope, id: id, lock: false)
        return CampaignView(campaign: campaign, progress: CampaignProgress(status: campaign.status))
    }

    func checkTemplate(_ db: some MariaDBQueryable, scope: TenantScope, draft: CampaignDraft) async throws {
        guard let templateID = draft.templateID else { return }
        let found = try await db.queryFirst(
            """
            SELECT id FROM \(identifier: templates) WHERE id = \(templateID) AND channel = \(draft.channel)
              AND (is_builtin = 1 OR (is_builtin = 0 AND tenant_key = \(scope.key)))
            """)
        if found == nil {
            throw DomainError.validation(
                field: "template_id", message: "The chosen template is not one of your \(draft.channel.displayName) templates. Choose another one.")
        }
    }

    /// Any tenant's campaign by id, for the engine (which acts for every tenant).
    public func require(_ db: some MariaDBQueryable, id: Int) async throws -> Campaign? {
        try await db.queryFirst("SELECT * FROM \(identifier: campaigns) WHERE id = \(id)").map(Self.campaign)
    }

    /// The tenant's campaign (404 otherwise), optionally locked, with `access` checked on it.
    func require(
        _ db: some MariaDBQueryable, scope: TenantScope, id: Int, lock: Bool, access: AccessCheck? = nil
    ) async throws -> Campaign {
        let locking: MariaDBQuery = lock ? " FOR UPDATE" : ""
        guard
            let campaign = try await db.queryFirst(
                "SELECT * FROM \(identifier: campaigns) WHERE id = \(id) AND tenant_key = \(scope.key)\(locking)"
            ).map(Self.campaign)
        else { throw DomainError.notFound("campaign") }
        try access?.check(campaign.channel)
        return campaign
    }

    /// Why a manual send cannot be edited, duplicated or sent again.
    static let manualMessage = "a manual send goes out once: start a new manual send instead"

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func campaign(_ row: MariaDBRow) throws -> Campaign {
        let decoder = JSONDecoder()
        let segment = try decoder.decode(Segment.self, from: Data(try row.decode("segment", as: String.self).utf8))
        let filters =
            try (try row.decode("filters", as: String?.self)).map {
                try decoder.decode(SegmentFilters.self, from: Data($0.utf8))
            } ?? SegmentFilters()
        let variables = try (try row.decode("content_variables", as: String?.self)).map {
            try decoder.decode([String: String].self, from: Data($0.utf8))
        }
        return Campaign(
            id: try row.decode("id"), channel: try row.decode("channel", as: Channel.self), name: try row.decode("name"),
            status: try row.decode("status", as: CampaignStatus.self),
            statusReason: try row.decodeIfPresent("status_reason", as: StatusReason.self), segment: segment, filters: filters,
            templateID: try row.decode("template_id"), subject: try row.decode("subject"), body: try row.decode("body"),
            contentSID: try row.decode("content_sid"), contentVariables: variables,
            scheduledAt: try row.decode("scheduled_at"), recurrence: try CronExpression(stored: row.decode("recurrence")),
            currentRun: try row.decode("current_run"), totalCount: try row.decode("total_count"),
            createdBy: try row.decode("created_by"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"), startedAt: try row.decode("started_at"),
            finishedAt: try row.decode("finished_at"), tenantID: try row.decode("tenant_id"),
            kind: try row.decodeIfPresent("kind", as: CampaignKind.self) ?? .campaign,
            repeatRule: try (try row.decode("repeat_rule", as: String?.self)).map {
                try decoder.decode(RepeatRule.self, from: Data($0.utf8))
            },
            holdoutPercent: try row.decode("holdout_percent"), audienceID: try row.decode("audience_id"),
            localized: try LocalizedColumns.decode(row), broadcastID: try row.decode("broadcast_id"))
    }

    static func logRow(_ stored: MariaDBRow) throws -> CampaignLogRow {
        let row = stored
        var logRow = CampaignLogRow(
            id: try row.decode("id"), run: try row.decode("run"), customerID: try row.decode("customer_id"),
            address: try row.decode("address"), firstName: try row.decode("first_name"),
            lastName: try row.decode("last_name"), status: try row.decode("status", as: LogStatus.self),
            attempts: try row.decode("attempts"), nextAttemptAt: try row.decode("next_attempt_at"),
            lastError: try row.decode("last_error"), providerMessageID: try row.decode("provider_message_id"),
            sentAt: try row.decode("sent_at"), updatedAt: try row.decode("updated_at"), held: try row.decode("held", as: Int.self) != 0,
            locale: try row.decode("locale", as: String?.self))
        logRow.engagement = try engagement(row)
        return logRow
    }

    /// A log row's engagement columns (DESIGN §18).
    static func engagement(_ row: MariaDBRow) throws -> Engagement {
        Engagement(
            clickedAt: try row.decode("clicked_at"), clicks: try row.decode("clicks"), openedAt: try row.decode("opened_at"))
    }
}
