import Campaigns
import Foundation
import MariaDB

/// The test send's checks on the API's pool: the quota, the tenant's day, the daily count kept
/// in the audit trail, and a slot of the sender's shared rate (DESIGN §13).
public struct MariaDBTestSendStore: TestSendStore {
    let pool: MariaDBPool
    let prefix: TablePrefix
    let settings: MariaDBSiteSettings
    let writer: AuditWriter

    public init(pool: MariaDBPool, prefix: TablePrefix, settings: MariaDBSiteSettings) {
        self.pool = pool
        self.prefix = prefix
        self.settings = settings
        self.writer = AuditWriter(prefix: prefix)
    }

    public func smsQuota(scope: TenantScope, now: Date) async throws -> SMSQuota? {
        try await pool.withConnection { db in try await SMSQuotaReader(prefix: prefix, settings: settings).quota(db, scope: scope, now: now) }
    }

    public func timeZone(scope: TenantScope, channel: Channel) async throws -> TimeZone {
        try await pool.withConnection { db in try await settings.timeZone(scope: scope, channel: channel, on: db) }
    }

    public func reserve(_ entry: AuditEntry, since dayStart: Date, limit: Int) async throws -> Int? {
        let lock = String("bkntc_test:\(pool.configuration.database):\(prefix.value):\(entry.scope.key):\(entry.channel?.rawValue ?? "")".prefix(64))
        return try await pool.withConnection { db in
            let acquired = try await db.queryFirst("SELECT GET_LOCK(\(lock), 5) AS got")?.decode("got", as: Int?.self)
            guard acquired == 1 else { throw DomainError.unavailable("test sends are busy; try again in a moment") }
            do {
                let used =
                    try await db.queryFirst(
                        """
                        SELECT COUNT(*) AS n FROM \(identifier: writer.table)
                        WHERE tenant_key = \(entry.scope.key) AND action = \(AuditAction.testSend.rawValue) AND channel <=> \(entry.channel)
                          AND at >= \(dayStart)
                        """)?.decode("n", as: Int.self) ?? 0
                let id = used < limit ? try await writer.write(db, entry) : nil
                _ = try await db.query("SELECT RELEASE_LOCK(\(lock)) AS released")
                return id
            } catch {
                _ = try? await db.query("SELECT RELEASE_LOCK(\(lock)) AS released")
                throw error
            }
        }
    }

    public func complete(id: Int, detail: [String: JSONValue]) async throws {
        try await pool.withConnection { db in
            try await db.execute("UPDATE \(identifier: writer.table) SET detail = \(AuditWriter.json(detail)) WHERE id = \(id)")
        }
    }

    public func reserveSlot(sender: String, rate: Double, now: Date, deadline: Date) async throws -> Date? {
        try await pool.withConnection { db in
            let reserved = try await MariaDBRateSlots(db: db, prefix: prefix).reserveSlots(
                sender: sender, count: 1, rate: rate, now: now, deadline: deadline)
            return reserved.count == 1 ? reserved.start : nil
        }
    }
}
