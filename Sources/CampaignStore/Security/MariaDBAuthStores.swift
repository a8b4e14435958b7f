import Campaigns
import Foundation
import MariaDB

/// Used signatures and launch tokens in `{prefix}bkntc_campaign_nonces`; expired ones are purged
/// as new ones are written.
public struct MariaDBNonceStore: NonceStore {
    let pool: MariaDBPool
    let table: SQLIdentifier
    let clock: any WallClock
    let purge: ExpiredRowPurge

    public init(pool: MariaDBPool, prefix: TablePrefix, clock: any WallClock) {
        self.pool = pool
        self.table = prefix.bkntc("campaign_nonces")
        self.clock = clock
        self.purge = ExpiredRowPurge(table: table, clock: clock)
    }

    public func consume(_ nonce: String, expiresAt: Date) async throws -> Bool {
        try await pool.withConnection { db in
            await purge.runIfDue(on: db)
            return try await db.execute("INSERT IGNORE INTO \(identifier: table) (nonce, expires_at) VALUES (\(nonce), \(expiresAt))")
                .affectedRows == 1
        }
    }
}

/// Browser sessions in `{prefix}bkntc_campaign_sessions`; expired ones are purged as new ones
/// are created.
public struct MariaDBSessionStore: SessionStore {
    let pool: MariaDBPool
    let table: SQLIdentifier
    let clock: any WallClock
    let audit: AuditWriter
    let purge: ExpiredRowPurge

    public init(pool: MariaDBPool, prefix: TablePrefix, clock: any WallClock) {
        self.pool = pool
        self.audit = AuditWriter(prefix: prefix)
        self.table = prefix.bkntc("campaign_sessions")
        self.clock = clock
        self.purge = ExpiredRowPurge(table: table, clock: clock)
    }

    /// Stores the session and its audit entry (never its id: that is a credential) together.
    public func create(_ session: StoredSession, expiresAt: Date) async throws {
        try await pool.withConnection { db in
            await purge.runIfDue(on: db)
            try await db.withTransaction { tx in
                try await tx.execute(
                    """
                    INSERT INTO \(identifier: table) (id, tenant_id, user_id, expires_at, created_at)
                    VALUES (\(session.id), \(session.tenantID), \(session.userID), \(expiresAt), \(clock.now()))
                    """)
                try await audit.write(
                    tx,
                    AuditEntry(
                        at: clock.now(), scope: TenantScope(storedTenantID: session.tenantID), userID: session.userID, action: .open,
                        objectType: .session, objectID: nil, channel: nil,
                        detail: ["expires_at": .string(expiresAt.formatted(.iso8601))]))
            }
        }
    }

    public func find(id: String) async throws -> StoredSession? {
        try await pool.withConnection { db in
            try await db.queryFirst(
                """
                SELECT id, tenant_id, user_id FROM \(identifier: table)
                WHERE id = \(id) AND revoked_at IS NULL AND expires_at > \(clock.now())
                """
            ).map { StoredSession(id: try $0.decode("id"), tenantID: try $0.decode("tenant_id"), userID: try $0.decode("user_id")) }
        }
    }

    public func revoke(id: String) async throws {
        try await pool.withConnection { db in
            try await db.execute("UPDATE \(identifier: table) SET revoked_at = \(clock.now()) WHERE id = \(id)")
        }
    }
}

/// Facts about the WordPress install the service runs beside.
public enum Installation {
    /// Booknetic SaaS is installed when `{prefix}bkntc_tenants` exists.
    public static func detectSaaS(pool: MariaDBPool, prefix: TablePrefix) async throws -> Bool {
        try await pool.withConnection { db in try await db.tableExists(prefix.bareName("tenants")) }
    }

    /// The configured mode (`BKNTC_SAAS`), or one detected from the database when it answers.
    public static func mode(configured: Bool?, pool: MariaDBPool, prefix: TablePrefix) -> InstallationMode {
        if let configured { return InstallationMode(saas: configured) }
        return InstallationMode { try await detectSaaS(pool: pool, prefix: prefix) }
    }

    /// The queue as `/metrics` shows it: pending rows of live campaigns per channel, how many
    /// of them are due now, and how long the oldest due one has waited.
    public static func queueStatistics(pool: MariaDBPool, prefix: TablePrefix, now: Date) async throws -> QueueStatistics {
        try await pool.withConnection { db in
            let rows = try await db.query(
                """
                SELECT l.channel, COUNT(*) AS n, SUM(l.next_attempt_at IS NULL OR l.next_attempt_at <= \(now)) AS due,
                  MIN(CASE WHEN l.next_attempt_at IS NULL OR l.next_attempt_at <= \(now) THEN COALESCE(l.next_attempt_at, l.created_at) END) AS oldest
                FROM \(identifier: prefix.bkntc("campaigns")) c
                JOIN \(identifier: prefix.bkntc("campaign_logs")) l ON l.campaign_id = c.id AND l.run = c.current_run
                  AND l.status = \(LogStatus.pending)
                WHERE c.status IN (\(list: [CampaignStatus.queued, .sending])) GROUP BY l.channel
                """)
            var statistics = QueueStatistics()
            for row in rows {
                let channel = try row.decode("channel", as: Channel.self)
                statistics.depth[channel] = try row.decode("n")
                statistics.due[channel] = try row.decode("due", as: Int?.self) ?? 0
                if let oldest: Date = try row.decode("oldest") {
                    statistics.oldestDueAge = max(statistics.oldestDueAge, now.timeIntervalSince(oldest))
                }
            }
            return statistics
        }
    }
}

/// Queue figures for `/metrics`.
public struct QueueStatistics: Sendable {
    public var depth: [Channel: Int] = [:]
    public var due: [Channel: Int] = [:]
    /// Seconds the oldest due row has waited (0 when none is due).
    public var oldestDueAge: TimeInterval = 0
    public init() {}
}
