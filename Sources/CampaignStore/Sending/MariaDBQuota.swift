import Campaigns
import Foundation
import MariaDB

/// A SaaS tenant's SMS allowance this calendar month (DESIGN §6), read on any connection: the
/// engine's (claims) and the API's (test sends).
public struct SMSQuotaReader: Sendable {
    let prefix: TablePrefix
    let settings: MariaDBSiteSettings

    public init(prefix: TablePrefix, settings: MariaDBSiteSettings) {
        self.prefix = prefix
        self.settings = settings
    }

    /// nil when no limit applies (single site, no plan limit, or -1).
    public func quota(_ db: some MariaDBQueryable, scope: TenantScope, now: Date) async throws -> SMSQuota? {
        guard let tenantID = scope.tenantID else { return nil }
        let permissions = try await PlanPermissions.load(db, prefix: prefix, tenantID: tenantID, now: now)
        guard let limit = PlanPermissions.smsLimit(permissions) else { return nil }
        // The calendar month in the tenant's time zone.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try await settings.timeZone(scope: scope, on: db)
        let monthStart = calendar.dateInterval(of: .month, for: now)?.start ?? now
        let campaignMessages =
            try await db.queryFirst(
                """
                SELECT COUNT(*) AS n FROM \(identifier: prefix.bkntc("campaign_logs"))
                WHERE tenant_key = \(scope.key) AND channel = \(Channel.sms)
                  AND ((status IN (\(list: [LogStatus.sent, .delivered, .undelivered])) AND sent_at >= \(monthStart))
                    OR status = \(LogStatus.sending))
                """)?.decode("n", as: Int.self) ?? 0
        // Test SMS count too (DESIGN §13): those sent or being sent, from the audit trail.
        let testMessages =
            try await db.queryFirst(
                """
                SELECT COUNT(*) AS n FROM \(identifier: prefix.bkntc("campaign_audit"))
                WHERE tenant_key = \(scope.key) AND action = \(AuditAction.testSend.rawValue) AND channel = \(Channel.sms)
                  AND at >= \(monthStart) AND JSON_VALUE(detail, '$.status') IN ('pending', 'sent')
                """)?.decode("n", as: Int.self) ?? 0
        var workflowMessages = 0
        if try await db.tableExists(prefix.bareName("workflow_logs")) {
            // Booknetic's own Twilio SMS workflow messages count against the same limit.
            workflowMessages =
                try await db.queryFirst(
                    """
                    SELECT COUNT(*) AS n FROM \(identifier: prefix.bkntc("workflow_logs"))
                    WHERE tenant_id = \(tenantID) AND driver IN ('sms', 'twilio_sms') AND date_time >= \(monthStart)
                    """)?.decode("n", as: Int.self) ?? 0
        }
        return SMSQuota(limit: limit, used: campaignMessages + testMessages + workflowMessages)
    }
}

/// The SaaS plan's monthly SMS quota (DESIGN §6) on the engine's connection: claims spend it
/// under a named lock shared by lanes and replicas.
public struct MariaDBQuota: SMSQuotaStore {
    let db: MariaDBSession
    let prefix: TablePrefix
    let settings: MariaDBSiteSettings
    /// The database's name: the quota lock is per site.
    let database: String

    public init(db: MariaDBSession, prefix: TablePrefix, settings: MariaDBSiteSettings, database: String) {
        self.db = db
        self.prefix = prefix
        self.settings = settings
        self.database = database
    }

    public func smsQuota(scope: TenantScope, now: Date) async throws -> SMSQuota? {
        try await SMSQuotaReader(prefix: prefix, settings: settings).quota(db, scope: scope, now: now)
    }

    public func withQuotaLock<T: Sendable>(scope: TenantScope, _ body: () async throws -> T) async throws -> T? {
        let name = String("bkntc_quota:\(database):\(prefix.value):\(scope.key)".prefix(64))
        let acquired = try await db.queryFirst("SELECT GET_LOCK(\(name), 5) AS got")?.decode("got", as: Int?.self)
        guard acquired == 1 else { return nil }
        do {
            let result = try await body()
            _ = try await db.query("SELECT RELEASE_LOCK(\(name)) AS released")
            return result
        } catch {
            _ = try? await db.query("SELECT RELEASE_LOCK(\(name)) AS released")
            throw error
        }
    }

    public func pauseForQuota(campaignID: Int, now: Date) async throws {
        try await db.execute(
            """
            UPDATE \(identifier: prefix.bkntc("campaigns")) SET status = \(CampaignStatus.paused), status_reason = \(StatusReason.quotaExhausted),
              updated_at = \(now)
            WHERE id = \(campaignID) AND status IN (\(list: [CampaignStatus.queued, .sending]))
            """)
    }

    public func resumeWithinQuota(now: Date) async throws -> Int {
        let table = prefix.bkntc("campaigns")
        let paused = try await db.query(
            """
            SELECT id, tenant_id FROM \(identifier: table)
            WHERE status = \(CampaignStatus.paused) AND status_reason = \(StatusReason.quotaExhausted) ORDER BY id LIMIT 100
            """)
        var resumed = 0
        var allowance: [Int: Bool] = [:]
        for row in paused {
            let scope = TenantScope(storedTenantID: try row.decode("tenant_id", as: Int?.self))
            if allowance[scope.key] == nil { allowance[scope.key] = (try await smsQuota(scope: scope, now: now)).map { $0.remaining > 0 } ?? true }
            guard allowance[scope.key] == true else { continue }
            resumed += try await db.execute(
                """
                UPDATE \(identifier: table) SET status = \(CampaignStatus.queued), status_reason = NULL, updated_at = \(now)
                WHERE id = \(try row.decode("id", as: Int.self)) AND status = \(CampaignStatus.paused)
                  AND status_reason = \(StatusReason.quotaExhausted)
                """
            ).affectedRows
        }
        return resumed
    }
}
