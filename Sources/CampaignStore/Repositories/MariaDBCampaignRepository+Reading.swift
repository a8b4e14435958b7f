import Campaigns
import Foundation
import MariaDB

/// Reading a campaign's progress, log rows and recipients.
extension MariaDBCampaignRepository {
    public func progress(scope: TenantScope, id: Int, run: Int?, access: AccessCheck) async throws -> CampaignView {
        try await pool.withConnection { db in
            let campaign = try await require(db, scope: scope, id: id, lock: false, access: access)
            var counted = campaign
            if let run { counted.currentRun = run }
            let counters = try await counters(db, scope: scope, campaigns: [counted])
            return CampaignView(campaign: campaign, progress: counters[campaign.id] ?? CampaignProgress(status: campaign.status))
        }
    }

    public func logs(scope: TenantScope, id: Int, run: Int?, status: LogStatus?, page: PageRequest, access: AccessCheck) async throws
        -> Page<CampaignLogRow>
    {
        try await pool.withConnection { db in
            let campaign = try await require(db, scope: scope, id: id, lock: false, access: access)
            var filter: MariaDBQuery = "campaign_id = \(id) AND run = \(run ?? campaign.currentRun) AND tenant_key = \(scope.key)"
            if let status { filter.append(" AND status = \(status)") }
            return try await db.page(from: logs, where: filter, orderBy: SQLIdentifierList(("id", .ascending)), page: page, map: Self.logRow)
        }
    }

    /// Rows per page of `streamLogs`.
    static let exportPageSize = 1000

    /// Reads the rows in pages by id (keyset), each page on a lease of its own that is given back
    /// before the page is handed on: a reader that does not keep up never holds a connection
    /// (DESIGN §13). The run's id range is looked up once, so each page is a short range read of
    /// the primary key.
    public func streamLogs(
        scope: TenantScope, id: Int, limit: Int?, access: AccessCheck, _ handle: ([CampaignLogRow]) async throws -> Void
    ) async throws {
        let (run, range) = try await pool.withConnection { db in
            let campaign = try await require(db, scope: scope, id: id, lock: false, access: access)
            let bounds = try await db.queryFirst(
                """
                SELECT MIN(id) AS first, MAX(id) AS last FROM \(identifier: logs)
                WHERE campaign_id = \(id) AND run = \(campaign.currentRun) AND tenant_key = \(scope.key)
                """)
            guard let first: Int = try bounds?.decode("first"), let last: Int = try bounds?.decode("last") else {
                return (campaign.currentRun, nil as ClosedRange<Int>?)
            }
            return (campaign.currentRun, first...last)
        }
        guard let range else { return }
        var remaining = limit ?? Int.max
        var after = range.lowerBound - 1
        while remaining > 0 {
            let size = min(Self.exportPageSize, remaining)
            let page = try await pool.withConnection { db in
                try await db.query(
                    """
                    SELECT * FROM \(identifier: logs) FORCE INDEX (PRIMARY)
                    WHERE id > \(after) AND id <= \(range.upperBound) AND campaign_id = \(id) AND run = \(run) AND tenant_key = \(scope.key)
                    ORDER BY id LIMIT \(size)
                    """
                ).map(Self.logRow)
            }
            guard let last = page.last else { return }
            try await handle(page)
            after = last.id
            remaining -= page.count
            if page.count < size { return }
        }
    }

    public func previewRecipients(scope: TenantScope, id: Int, limit: Int, access: AccessCheck) async throws
        -> (campaign: Campaign, recipients: [Recipient])
    {
        try await pool.withConnection { db in
            let campaign = try await require(db, scope: scope, id: id, lock: false, access: access)
            if campaign.currentRun > 0 {
                let rows = try await db.query(
                    """
                    SELECT customer_id AS id, address, first_name, last_name, locale FROM \(identifier: logs)
                    WHERE campaign_id = \(id) AND tenant_key = \(scope.key) AND run = \(campaign.currentRun) ORDER BY id LIMIT \(limit)
                    """)
                return (campaign, try rows.map(MariaDBAudienceRepository.recipient))
            }
            let audience = try await MariaDBAudienceRepository.resolved(
                try await runAudience(db, campaign, scope: scope), settings: settings, on: db)
            let locale = try await ContentLocales.choice(
                for: campaign.localized, scope: scope, channel: campaign.channel, prefix: prefix, on: db)
            let query = compiler.preview(audience, now: Int(clock.now().timeIntervalSince1970), sampleSize: limit, locale: locale)
            return (campaign, try await db.query(query).map(MariaDBAudienceRepository.recipient))
        }
    }

    public func members(scope: TenantScope, id: Int, zones: Bool, access: AccessCheck) async throws -> AudienceMembers {
        try await pool.withConnection { db in
            let campaign = try await require(db, scope: scope, id: id, lock: false, access: access)
            let recipients: [Recipient]
            if campaign.currentRun > 0 {
                // What the snapshot holds, held-out rows aside: those are never messaged.
                recipients = try await db.query(
                    """
                    SELECT COALESCE(customer_id, 0) AS id, address, first_name, last_name, locale FROM \(identifier: logs)
                    WHERE campaign_id = \(id) AND tenant_key = \(scope.key) AND run = \(campaign.currentRun)
                      AND NOT (status = \(LogStatus.skipped) AND last_error <=> \(SkipReason.holdout.rawValue))
                    ORDER BY id
                    """
                ).map(MariaDBAudienceRepository.recipient)
            } else {
                let audience = try await MariaDBAudienceRepository.resolved(
                    try await runAudience(db, campaign, scope: scope), settings: settings, on: db)
                let locale = try await ContentLocales.choice(
                    for: campaign.localized, scope: scope, channel: campaign.channel, prefix: prefix, on: db)
                recipients = try await db.query(compiler.members(audience, now: Int(clock.now().timeIntervalSince1970), locale: locale))
                    .map(MariaDBAudienceRepository.recipient)
            }
            return try await MariaDBAudienceRepository.members(
                recipients, scope: scope, channel: campaign.channel, zones: zones, prefix: prefix,
                settings: settings, on: db)
        }
    }
}
