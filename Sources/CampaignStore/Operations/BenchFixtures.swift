import Campaigns
import Foundation
import MariaDB

/// What the benchmark commands write and count on a benchmark database (`bench-engine`,
/// `bench-results`): campaigns and log rows made by the database itself, in bulk, and the counts
/// the benches report. Here because only the store runs SQL (DESIGN §9); the commands time and
/// print. Never point these at a real site: they insert campaigns and may cancel live ones.
public struct BenchFixtures: Sendable {
    let pool: MariaDBPool
    let prefix: TablePrefix

    public init(pool: MariaDBPool, prefix: TablePrefix) {
        self.pool = pool
        self.prefix = prefix
    }

    // MARK: bench-engine

    /// A queued campaign with `messages` pending rows (customers 1…`messages`, addresses made up
    /// from the number), written by the database from its `seq_1_to_N` sequence in chunks of
    /// 100 000; with `cancellingOthers`, every other queued or sending campaign is cancelled first.
    /// Returns the campaign's id.
    public func queueEngineCampaign(
        messages: Int, channel: Channel, subject: String?, body: String, cancellingOthers: Bool, now: Date = Date()
    ) async throws -> Int {
        try await pool.withConnection { db in
            if cancellingOthers {
                try await db.execute(
                    "UPDATE \(identifier: prefix.bkntc("campaigns")) SET status = 'cancelled' WHERE status IN ('queued', 'sending')")
            }
            let channel = channel.rawValue
            let id = try await db.execute(
                """
                INSERT INTO \(identifier: prefix.bkntc("campaigns")) (tenant_id, tenant_key, channel, name, status, segment, subject,
                  body, current_run, total_count, created_at, updated_at, started_at)
                VALUES (NULL, 0, \(channel), 'engine bench', 'queued', '{"type":"all_customers"}', \(subject), \(body), 1,
                  \(messages), \(now), \(now), \(now))
                """
            ).lastInsertID
            var done = 0
            while done < messages {
                let chunk = min(100_000, messages - done)
                try await db.execute(
                    """
                    INSERT INTO \(identifier: prefix.bkntc("campaign_logs")) (tenant_id, tenant_key, campaign_id, run, channel,
                      customer_id, address, first_name, last_name, status, attempts, created_at, updated_at)
                    SELECT NULL, 0, \(id), 1, \(channel), seq + \(done),
                      IF(\(channel) = 'email', CONCAT('bench', seq + \(done), '@example.com'), CONCAT('+4479', LPAD(seq + \(done), 8, '0'))),
                      'Bench', 'Person',
                      'pending', 0, \(now), \(now)
                    FROM seq_1_to_\(identifier: SQLIdentifier(String(chunk)) ?? "1")
                    """)
                done += chunk
            }
            return id
        }
    }

    /// The campaign's rows sent so far.
    public func sentCount(campaignID: Int) async throws -> Int {
        try await count(
            "SELECT COUNT(*) FROM \(identifier: prefix.bkntc("campaign_logs")) WHERE campaign_id = \(campaignID) AND status = 'sent'")
    }

    /// The campaign's rows that ended other than sent (failed, skipped…): not a clean run.
    public func notSentCount(campaignID: Int) async throws -> Int {
        try await count(
            """
            SELECT COUNT(*) FROM \(identifier: prefix.bkntc("campaign_logs"))
            WHERE campaign_id = \(campaignID) AND status NOT IN ('sent', 'pending', 'sending')
            """)
    }

    private func count(_ query: MariaDBQuery) async throws -> Int {
        try await pool.withConnection { try await $0.queryFirst(query)?.decode(0, as: Int.self) ?? 0 }
    }

    // MARK: bench-results

    /// The completed sms campaign `bench results <recipients>` of `scope`, written on first use
    /// and found again by name: one sent row per customer (at most `recipients`), spread over the
    /// 21 days before `now`, plus a competing campaign that messaged every third of them one to
    /// three days later (so last touch has work to do); the log table is analyzed afterwards.
    /// Returns the measured campaign's id and its log rows.
    public func resultsCampaign(recipients: Int, scope: TenantScope, now: Date) async throws -> (id: Int, rows: Int) {
        let campaigns = prefix.bkntc("campaigns")
        let logs = prefix.bkntc("campaign_logs")
        let customers = prefix.bkntc("customers")
        let name = "bench results \(recipients)"
        return try await pool.withConnection { db in
            if let row = try await db.queryFirst(
                "SELECT id, total_count FROM \(identifier: campaigns) WHERE tenant_key = \(scope.key) AND name = \(name)")
            {
                return (try row.decode("id"), try row.decode("total_count"))
            }
            var ids: [Int] = []
            for (label, count) in [(name, recipients), (name + " (later touch)", recipients / 3)] {
                let id = try await db.execute(
                    """
                    INSERT INTO \(identifier: campaigns) (tenant_id, tenant_key, channel, name, status, segment, body, current_run,
                      total_count, created_at, updated_at)
                    VALUES (\(scope.tenantID), \(scope.key), 'sms', \(label), 'completed', '{"type":"all_customers"}', 'Hi', 1,
                      \(count), \(now), \(now))
                    """
                ).lastInsertID
                ids.append(id)
            }
            let nowSeconds = Int(now.timeIntervalSince1970)
            try await db.execute(
                """
                INSERT INTO \(identifier: logs) (tenant_id, tenant_key, campaign_id, run, channel, customer_id, address, status,
                  attempts, sent_at, created_at, updated_at)
                SELECT \(scope.tenantID), \(scope.key), \(ids[0]), 1, 'sms', c.id, CONCAT('+4470', LPAD(c.id, 9, '0')), 'sent', 1,
                  FROM_UNIXTIME(\(nowSeconds) - (c.id % 21) * 86400 - c.id % 86400), \(now), \(now)
                FROM \(identifier: customers) c WHERE \(scope.bookneticCondition(on: "c")) ORDER BY c.id LIMIT \(recipients)
                """)
            try await db.execute(
                """
                INSERT INTO \(identifier: logs) (tenant_id, tenant_key, campaign_id, run, channel, customer_id, address, status,
                  attempts, sent_at, created_at, updated_at)
                SELECT tenant_id, tenant_key, \(ids[1]), 1, 'sms', customer_id, address, 'delivered', 1,
                  LEAST(sent_at + INTERVAL (1 + customer_id % 3) DAY, \(now)), created_at, updated_at
                FROM \(identifier: logs) WHERE campaign_id = \(ids[0]) AND customer_id % 3 = 0
                """)
            try await db.execute("ANALYZE TABLE \(identifier: logs)")
            let count =
                try await db.queryFirst("SELECT COUNT(*) AS n FROM \(identifier: logs) WHERE campaign_id = \(ids[0])")?
                .decode("n", as: Int.self) ?? 0
            return (ids[0], count)
        }
    }
}
