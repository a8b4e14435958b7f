import Campaigns
import Foundation
import MariaDB

/// The log table as a queue (DESIGN §6): due rows are claimed with `SELECT … FOR UPDATE SKIP
/// LOCKED`, marked `sending` with the claim time and committed before the provider call, so
/// replicas sharing the database never claim the same row. Outcomes are written in batches.
/// Every method runs on a connection the caller holds.
public struct MariaDBRecipientQueue: Sendable {
    let campaigns: SQLIdentifier
    let logs: SQLIdentifier
    let suppressions: SQLIdentifier
    let appointments: SQLIdentifier
    let rates: SQLIdentifier
    let callbacks: SQLIdentifier

    public init(prefix: TablePrefix) {
        callbacks = prefix.bkntc("campaign_callbacks")
        rates = prefix.bkntc("campaign_rates")
        campaigns = prefix.bkntc("campaigns")
        logs = prefix.bkntc("campaign_logs")
        suppressions = prefix.bkntc("campaign_suppressions")
        appointments = prefix.bkntc("appointments")
    }

    /// Campaigns that are `queued` or `sending` and have a due row, by id from `after`.
    public func activeCampaigns(_ db: some MariaDBQueryable, after: Int = 0, now: Date, limit: Int) async throws -> [Campaign] {
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
    public func claim(_ db: MariaDBSession, campaign: Campaign, limit: Int, worker: String, now: Date) async throws -> [ClaimedRow] {
        // Whole seconds: what DATETIME stores (MySQL would round, MariaDB truncates), so the
        // lease and the lookup's "created at or after the claim" see the same instant.
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let token = ClaimedRow.newToken(worker: worker)
        let claimed = try await db.withTransaction(deadlockRetries: 5) { tx -> [ClaimedRow] in
            // The shared lock waits for a pause that is committing, and then sees its status.
            guard
                let row = try await tx.queryFirst(
                    "SELECT status, tenant_id FROM \(identifier: campaigns) WHERE id = \(campaign.id) LOCK IN SHARE MODE"),
                let status = CampaignStatus(rawValue: try row.decode("status")), status == .queued || status == .sending
            else { return [] }
            // Rows that waited for a time (retries, deferrals, quiet hours) first, when due, then
            // fresh ones: in one `ORDER BY next_attempt_at` the NULLs of a big campaign's fresh rows
            // came first and a retry waited behind all of them (minutes, not its delay).
            let columns: MariaDBQuery = "id, customer_id, address, first_name, last_name, attempts, throttles, tenant_id"
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
                    attempts: try row.decode("attempts"), claimedAt: now, claimToken: token, throttles: try row.decode("throttles"))
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

    /// Writes a batch of outcomes (and the suppressions they call for) in one transaction of a
    /// few statements, whatever the batch size: one UPDATE per kind of outcome.
    public func record(
        _ db: MariaDBSession, _ results: [RowResult], suppress: [SuppressionRequest] = [], claimToken: String, now: Date
    ) async throws {
        if results.isEmpty, suppress.isEmpty { return }
        // In ascending id order, as the claim takes them: each UPDATE below then locks its rows
        // in primary-key order, and two lanes recording at once never deadlock each other.
        let results = results.sorted { $0.id < $1.id }
        try await db.withTransaction(deadlockRetries: 5) { tx in
            var sent: [(Int, String)] = []
            var retries: [(Int, Date, String)] = []
            var failures: [(Int, String)] = []
            var skips: [(Int, String)] = []
            var holds: [(Int, Date)] = []
            var releases: [Int] = []
            var deferrals: [(Int, Date)] = []
            var throttles: [(Int, Date)] = []
            for result in results {
                switch result {
                case .sent(let id, let providerID): sent.append((id, providerID))
                case .retry(let id, let at, let error): retries.append((id, Self.wholeSecondUp(at), String(error.storedText.prefix(255))))
                case .failed(let id, let error): failures.append((id, String(error.storedText.prefix(255))))
                case .skipped(let id, let reason): skips.append((id, reason.rawValue))
                case .held(let id, let until): holds.append((id, until))
                case .released(let id): releases.append(id)
                case .deferred(let id, let until): deferrals.append((id, Self.wholeSecondUp(until)))
                case .throttled(let id, let until): throttles.append((id, Self.wholeSecondUp(until)))
                }
            }
            // Only rows this claim still holds: a batch that outlived its lease finds its rows
            // taken over by recovery and changes nothing.
            let claimedOnly: MariaDBQuery = "status = \(LogStatus.sending) AND claimed_by = \(claimToken)"
            if !sent.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.sent), attempts = attempts + 1, last_error = NULL,
                      provider_message_id = \(Self.cases(sent)), sent_at = \(now), next_attempt_at = NULL, claimed_by = NULL,
                      updated_at = \(now)
                    WHERE id IN (\(list: sent.map(\.0))) AND \(claimedOnly)
                    """)
                // Status callbacks that arrived before these sids were stored (DESIGN §7).
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) l JOIN \(identifier: callbacks) c ON c.message_sid = l.provider_message_id
                    SET l.status = IF(c.status = 'delivered', \(LogStatus.delivered), \(LogStatus.undelivered)),
                      l.last_error = IF(c.status = 'delivered', NULL, c.error_code), l.updated_at = \(now)
                    WHERE l.id IN (\(list: sent.map(\.0))) AND l.status = \(LogStatus.sent) AND FIND_IN_SET(l.tenant_key, c.tenant_keys) > 0
                    """)
            }
            if !retries.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.pending), attempts = attempts + 1,
                      next_attempt_at = \(Self.cases(retries.map { ($0.0, $0.1) })), last_error = \(Self.cases(retries.map { ($0.0, $0.2) })),
                      claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: retries.map(\.0))) AND \(claimedOnly)
                    """)
            }
            if !failures.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.failed), attempts = attempts + 1,
                      last_error = \(Self.cases(failures)), next_attempt_at = NULL, claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: failures.map(\.0))) AND \(claimedOnly)
                    """)
            }
            if !skips.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.skipped), last_error = \(Self.cases(skips)),
                      next_attempt_at = NULL, claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: skips.map(\.0))) AND \(claimedOnly)
                    """)
            }
            if !holds.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.pending), next_attempt_at = \(Self.cases(holds)),
                      held = 1, last_error = NULL, claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: holds.map(\.0))) AND \(claimedOnly)
                    """)
            }
            if !releases.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.pending), claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: releases)) AND \(claimedOnly)
                    """)
            }
            if !deferrals.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.pending), next_attempt_at = \(Self.cases(deferrals)),
                      claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: deferrals.map(\.0))) AND \(claimedOnly)
                    """)
            }
            if !throttles.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.pending), next_attempt_at = \(Self.cases(throttles)),
                      throttles = throttles + 1, claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: throttles.map(\.0))) AND \(claimedOnly)
                    """)
            }
            if !results.isEmpty {
                // A campaign cancelled while this batch was in flight: what came back pending ends
                // skipped, as the cancel did with the rest.
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) l JOIN \(identifier: campaigns) c ON c.id = l.campaign_id
                    SET l.status = \(LogStatus.skipped), l.last_error = \(SkipReason.cancelled), l.next_attempt_at = NULL,
                      l.updated_at = \(now)
                    WHERE l.id IN (\(list: results.map(\.id))) AND l.status = \(LogStatus.pending)
                      AND c.status = \(CampaignStatus.cancelled)
                    """)
            }
            if !suppress.isEmpty {
                let rows = MariaDBQuery.joined(
                    suppress.map {
                        "(\($0.scope.tenantID), \($0.scope.key), \($0.channel), \($0.address), \($0.reason), \(SuppressionSource.provider), \(now))"
                    }, separator: ", ")
                try await tx.execute(
                    """
                    INSERT IGNORE INTO \(identifier: suppressions) (tenant_id, tenant_key, channel, address, reason, source, created_at)
                    VALUES \(rows)
                    """)
            }
        }
    }

    /// Rounded up to a whole second: a retry stored in DATETIME is never earlier than its delay.
    static func wholeSecondUp(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.up)) }


    /// Ends every listed campaign whose current run has no `pending` or `sending` row left:
    /// `completed` when one was sent, `failed` otherwise. Returns the ids that ended now.
    @discardableResult
    public func finalize(_ db: some MariaDBQueryable, campaignIDs: [Int], now: Date) async throws -> [Int] {
        if campaignIDs.isEmpty { return [] }
        let open = Self.runHasOpenRows
        let candidates = try await db.query(
            """
            SELECT c.id FROM \(identifier: campaigns) c
            WHERE c.id IN (\(list: campaignIDs)) AND c.status IN (\(list: [CampaignStatus.queued, .sending]))
              AND NOT \(open(logs))
            """
        ).map { try $0.decode("id", as: Int.self) }
        if candidates.isEmpty { return [] }
        try await db.execute(
            """
            UPDATE \(identifier: campaigns) c SET
              c.status_reason = IF(NOT EXISTS (SELECT 1 FROM \(identifier: logs) l WHERE l.campaign_id = c.id
                  AND l.run = c.current_run AND l.status IN (\(list: LogStatus.reached)))
                AND EXISTS (SELECT 1 FROM \(identifier: logs) l WHERE l.campaign_id = c.id AND l.run = c.current_run
                  AND l.last_error = \(StatusReason.providerNotConfigured)), \(StatusReason.providerNotConfigured), c.status_reason),
              c.status = IF(EXISTS (SELECT 1 FROM \(identifier: logs) l WHERE l.campaign_id = c.id AND l.run = c.current_run
                  AND l.status IN (\(list: LogStatus.reached))), \(CampaignStatus.completed), \(CampaignStatus.failed)),
              c.finished_at = \(now), c.updated_at = \(now)
            WHERE c.id IN (\(list: candidates)) AND c.status IN (\(list: [CampaignStatus.queued, .sending]))
              AND NOT \(open(logs))
            """)
        return candidates
    }

    /// Live campaigns whose current run has ended (a process that died between its last row and
    /// finalizing leaves these behind).
    public func unfinalized(_ db: some MariaDBQueryable, limit: Int) async throws -> [Int] {
        try await db.query(
            """
            SELECT c.id FROM \(identifier: campaigns) c WHERE c.status IN (\(list: [CampaignStatus.queued, .sending]))
              AND c.current_run > 0 AND NOT \(Self.runHasOpenRows(logs))
            LIMIT \(limit)
            """
        ).map { try $0.decode("id", as: Int.self) }
    }

    /// Whether campaign `c`'s current run has a `pending` or `sending` row. One EXISTS per
    /// status: each is an index lookup on `idx_claim`, where `status IN (…)` made MariaDB scan
    /// every row of the table (0.7 s with 1M rows).
    static func runHasOpenRows(_ logs: SQLIdentifier) -> MariaDBQuery {
        """
        (EXISTS (SELECT 1 FROM \(identifier: logs) l WHERE l.campaign_id = c.id AND l.status = \(LogStatus.pending)
            AND l.run = c.current_run)
          OR EXISTS (SELECT 1 FROM \(identifier: logs) l WHERE l.campaign_id = c.id AND l.status = \(LogStatus.sending)
            AND l.run = c.current_run))
        """
    }

    /// Rows `sending` since before `claimedBefore` (their lease ran out), oldest first.
    public func expiredLeases(_ db: some MariaDBQueryable, claimedBefore: Date, limit: Int) async throws -> [ClaimedRow] {
        try await db.query(
            """
            SELECT l.id, l.campaign_id, l.run, l.tenant_id, l.channel, l.customer_id, l.address, l.first_name, l.last_name,
              l.attempts, l.throttles, l.claimed_at, l.claimed_by
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
                claimToken: try row.decode("claimed_by", as: String?.self) ?? "", throttles: try row.decode("throttles"))
        }
    }

    /// Takes over an expired lease with `token` (so two replicas never resolve the same row, and
    /// the batch that held it can no longer write); false when another replica already did. The
    /// claim time stays: the lookup searches from it.
    public func takeOver(_ db: some MariaDBQueryable, _ row: ClaimedRow, token: String, now: Date) async throws -> Bool {
        try await db.execute(
            """
            UPDATE \(identifier: logs) SET claimed_by = \(token), updated_at = \(now)
            WHERE id = \(row.id) AND status = \(LogStatus.sending) AND claimed_by <=> \(row.claimToken.isEmpty ? nil : row.claimToken)
            """
        ).affectedRows == 1
    }

    /// The addresses of `addresses` that are on the tenant's suppression list for `channel`.
    public func suppressed(
        _ db: some MariaDBQueryable, scope: TenantScope, channel: Channel, addresses: [String]
    ) async throws -> Set<String> {
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
    public func sentCounts(
        _ db: some MariaDBQueryable, scope: TenantScope, channel: Channel, customerIDs: [Int], since: Date, excluding: [Int] = []
    ) async throws -> [Int: Int] {
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
    public func clientTimeZones(_ db: some MariaDBQueryable, scope: TenantScope, customerIDs: [Int]) async throws -> [Int: String] {
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

    /// The earliest moment new work falls due: a held or retrying row, or a scheduled campaign.
    public func nextDue(_ db: some MariaDBQueryable, after now: Date) async throws -> Date? {
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

    /// Reserves up to `count` consecutive send slots of a sender at `rate` per second, shared by
    /// every replica on the database, but only slots that start by `deadline` (what cannot be
    /// sent within the lease is not reserved): one short transaction per batch. Returns the
    /// first slot and how many were reserved; the others follow at 1/`rate` s intervals.
    public func reserveSlots(
        _ db: MariaDBSession, sender: String, count: Int, rate: Double, now: Date, deadline: Date
    ) async throws -> (start: Date, count: Int) {
        let rate = max(rate, 0.001)
        // The row is created outside the transaction, so two replicas' first reservations do not
        // deadlock on the shared lock INSERT IGNORE takes on an existing key.
        try await db.execute("INSERT IGNORE INTO \(identifier: rates) (sender_key, next_slot) VALUES (\(sender), \(now))")
        return try await db.withTransaction(deadlockRetries: 5) { tx in
            let next: Date = try await tx.queryFirst(
                "SELECT next_slot FROM \(identifier: rates) WHERE sender_key = \(sender) FOR UPDATE"
            )?.decode("next_slot") ?? now
            let start = max(next, now)
            let fitting = start > deadline ? 0 : min(count, Int(deadline.timeIntervalSince(start) * rate) + 1)
            if fitting > 0 {
                try await tx.execute(
                    """
                    UPDATE \(identifier: rates) SET next_slot = \(start.addingTimeInterval(Double(fitting) / rate))
                    WHERE sender_key = \(sender)
                    """)
            }
            return (start, fitting)
        }
    }

    /// `CASE id WHEN ? THEN ? … END` for per-row values in one UPDATE.
    static func cases<Value: MariaDBBindable>(_ pairs: [(Int, Value)]) -> MariaDBQuery {
        var query: MariaDBQuery = "CASE id"
        for (id, value) in pairs { query.append(" WHEN \(id) THEN \(value)") }
        query.append(" END")
        return query
    }
}
