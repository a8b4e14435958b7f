import Campaigns
import Foundation
import MariaDB

/// The log table as a queue (DESIGN §6) on one connection: due rows are claimed with `SELECT …
/// FOR UPDATE SKIP LOCKED`, marked `sending` with the claim time and committed before the
/// provider call, so replicas sharing the database never claim the same row. Outcomes are
/// written in batches (`MariaDBRecipientQueue+Record.swift`).
public struct MariaDBRecipientQueue: SendQueue {
    let db: MariaDBSession
    let campaigns: SQLIdentifier
    let logs: SQLIdentifier
    let suppressions: SQLIdentifier
    let callbacks: SQLIdentifier

    public init(db: MariaDBSession, prefix: TablePrefix) {
        self.db = db
        callbacks = prefix.bkntc("campaign_callbacks")
        campaigns = prefix.bkntc("campaigns")
        logs = prefix.bkntc("campaign_logs")
        suppressions = prefix.bkntc("campaign_suppressions")
    }

    public func activeCampaigns(now: Date, limit: Int) async throws -> [Campaign] {
        try await activeCampaigns(from: 0, now: now, limit: limit)
    }

    public func activeCampaigns(after cursor: Int, now: Date, limit: Int) async throws -> [Campaign] {
        let page = try await activeCampaigns(from: cursor, now: now, limit: limit)
        if page.count >= limit || cursor == 0 { return page }
        // Wrap around: the campaigns before the cursor come next.
        let head = try await activeCampaigns(from: 0, now: now, limit: limit - page.count)
        return page + head.filter { $0.id <= cursor }
    }

    /// Campaigns that are `queued` or `sending` and have a due row, by id from `after`.
    private func activeCampaigns(from after: Int, now: Date, limit: Int) async throws -> [Campaign] {
        try await db.query(
            """
            SELECT c.* FROM \(identifier: campaigns) c
            WHERE c.id > \(after) AND c.status IN (\(list: [CampaignStatus.queued, .sending])) AND EXISTS (
              SELECT 1 FROM \(identifier: logs) l WHERE l.campaign_id = c.id AND l.run = c.current_run
                AND l.status = \(LogStatus.pending) AND (l.next_attempt_at IS NULL OR l.next_attempt_at <= \(now)))
            ORDER BY c.id LIMIT \(limit)
            """
        ).map(MariaDBCampaignRepository.campaign)
    }

    /// Claims up to `limit` due rows of `campaign` for `worker`, committed before returning.
    /// Nothing is claimed unless the campaign is still `queued` or `sending` at that moment.
    public func claim(campaign: Campaign, limit: Int, worker: String, now: Date) async throws -> [ClaimedRow] {
        // Whole seconds: what DATETIME stores (MySQL would round, MariaDB truncates), so the
        // lease and the lookup's "created at or after the claim" see the same instant.
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let token = ClaimedRow.newToken(worker: worker)
        let claimed = try await db.withTransaction(deadlockRetries: 5) { tx -> [ClaimedRow] in
            // The campaign row's lock waits for a pause that is committing, and then sees its
            // status. It is exclusive so that two lanes (or replicas) claim one campaign's rows one
            // after the other: two claims side by side each held next-key locks on `idx_claim` and
            // each waited to insert its `sending` entries into the other's gap (InnoDB 1213).
            guard
                let row = try await tx.queryFirst(
                    "SELECT status, tenant_id FROM \(identifier: campaigns) WHERE id = \(campaign.id) FOR UPDATE"),
                let status = CampaignStatus(rawValue: try row.decode("status")), status == .queued || status == .sending
            else { return [] }
            // Rows that waited for a time (retries, deferrals, quiet hours) first, when due, then
            // fresh ones: in one `ORDER BY next_attempt_at` the NULLs of a big campaign's fresh rows
            // came first and a retry waited behind all of them (minutes, not its delay).
            let columns: MariaDBQuery = "id, customer_id, address, first_name, last_name, attempts, throttles, tenant_id, locale"
            let open: MariaDBQuery =
                "campaign_id = \(campaign.id) AND run = \(campaign.currentRun) AND status = \(LogStatus.pending)"
            var rows = try await tx.query(
                """
                SELECT \(columns) FROM \(identifier: logs) FORCE INDEX (idx_claim)
                WHERE \(open) AND next_attempt_at <= \(now)
                ORDER BY next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """)
            if rows.count < limit {
                rows += try await tx.query(
                    """
                    SELECT \(columns) FROM \(identifier: logs) FORCE INDEX (idx_claim)
                    WHERE \(open) AND next_attempt_at IS NULL
                    ORDER BY id LIMIT \(limit - rows.count) FOR UPDATE SKIP LOCKED
                    """)
            }
            if rows.isEmpty { return [] }
            // Ascending ids: every statement of the worker locks log rows in primary-key order,
            // so two lanes of one process never wait on each other in a cycle.
            let ids = try rows.map { try $0.decode("id", as: Int.self) }.sorted()
            try await tx.execute(
                """
                UPDATE \(identifier: logs) SET status = \(LogStatus.sending), held = 0, claimed_by = \(token), claimed_at = \(now),
                  updated_at = \(now) WHERE id IN (\(list: ids))
                """)
            return try rows.map { row in
                let tenant: Int? = try row.decode("tenant_id")
                return ClaimedRow(
                    id: try row.decode("id"), campaignID: campaign.id, run: campaign.currentRun,
                    scope: TenantScope(storedTenantID: tenant), channel: campaign.channel,
                    customerID: try row.decode("customer_id"), address: try row.decode("address"),
                    firstName: try row.decode("first_name"), lastName: try row.decode("last_name"),
                    attempts: try row.decode("attempts"), claimedAt: now, claimToken: token, throttles: try row.decode("throttles"),
                    locale: try row.decode("locale"))
            }
        }
        if !claimed.isEmpty, campaign.status == .queued {
            try await db.execute(
                """
                UPDATE \(identifier: campaigns) SET status = \(CampaignStatus.sending), updated_at = \(now)
                WHERE id = \(campaign.id) AND status = \(CampaignStatus.queued)
                """)
        }
        return claimed
    }

    /// Rows `sending` since before `claimedBefore` (their lease ran out), oldest first.
    public func expiredLeases(claimedBefore: Date, limit: Int) async throws -> [ClaimedRow] {
        try await db.query(
            """
            SELECT l.id, l.campaign_id, l.run, l.tenant_id, l.channel, l.customer_id, l.address, l.first_name, l.last_name,
              l.attempts, l.throttles, l.claimed_at, l.claimed_by, l.locale
            FROM \(identifier: logs) l WHERE l.status = \(LogStatus.sending) AND l.claimed_at < \(claimedBefore)
            ORDER BY l.claimed_at LIMIT \(limit)
            """
        ).map { row in
            let tenant: Int? = try row.decode("tenant_id")
            return ClaimedRow(
                id: try row.decode("id"), campaignID: try row.decode("campaign_id"), run: try row.decode("run"),
                scope: TenantScope(storedTenantID: tenant),
                channel: try row.decode("channel", as: Channel.self), customerID: try row.decode("customer_id"),
                address: try row.decode("address"), firstName: try row.decode("first_name"), lastName: try row.decode("last_name"),
                attempts: try row.decode("attempts"), claimedAt: try row.decode("claimed_at"),
                claimToken: try row.decode("claimed_by", as: String?.self) ?? "", throttles: try row.decode("throttles"),
                locale: try row.decode("locale"))
        }
    }

    /// Takes over an expired lease with `token` (so two replicas never resolve the same row, and
    /// the batch that held it can no longer write); false when another replica already did. The
    /// claim time stays: the lookup searches from it.
    public func takeOver(_ row: ClaimedRow, token: String, now: Date) async throws -> Bool {
        try await db.execute(
            """
            UPDATE \(identifier: logs) SET claimed_by = \(token), updated_at = \(now)
            WHERE id = \(row.id) AND status = \(LogStatus.sending) AND claimed_by <=> \(row.claimToken.isEmpty ? nil : row.claimToken)
            """
        ).affectedRows == 1
    }

    /// The earliest moment new work falls due: a held or retrying row, or a scheduled campaign.
    public func nextDue(after now: Date) async throws -> Date? {
        let row = try await db.queryFirst(
            """
            SELECT LEAST(
              COALESCE((SELECT MIN(l.next_attempt_at) FROM \(identifier: logs) l JOIN \(identifier: campaigns) c
                ON c.id = l.campaign_id AND l.run = c.current_run
                WHERE c.status IN (\(list: [CampaignStatus.queued, .sending])) AND l.status = \(LogStatus.pending)
                  AND l.next_attempt_at > \(now)), '9999-12-31 00:00:00'),
              COALESCE((SELECT MIN(scheduled_at) FROM \(identifier: campaigns) WHERE status = \(CampaignStatus.scheduled)
                AND scheduled_at > \(now)),
                '9999-12-31 00:00:00')) AS due
            """)
        guard let due: Date = try row?.decode("due") else { return nil }
        return due.timeIntervalSince1970 > 253_000_000_000 ? nil : due
    }
}
