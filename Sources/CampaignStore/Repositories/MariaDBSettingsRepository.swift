import Campaigns
import Foundation
import MariaDB

/// Settings per tenant and channel in `{prefix}bkntc_campaign_settings`, one row per set value
/// (JSON text). Resetting a value deletes its row.
public struct MariaDBSettingsRepository: SettingsRepository {
    let pool: MariaDBPool
    let table: SQLIdentifier
    let logs: SQLIdentifier
    let clock: any WallClock
    let audit: AuditWriter
    /// Bumped with every change, so caches of derived values see it (DESIGN §10).
    let versions: SettingsVersions?

    public init(pool: MariaDBPool, prefix: TablePrefix, clock: any WallClock, versions: SettingsVersions? = nil) {
        self.pool = pool
        self.versions = versions
        self.audit = AuditWriter(prefix: prefix)
        self.table = prefix.bkntc("campaign_settings")
        self.logs = prefix.bkntc("campaign_logs")
        self.clock = clock
    }

    public func stored(scope: TenantScope, channel: Channel) async throws -> StoredSettings {
        try await pool.withConnection { db in try await stored(db, scope: scope, channel: channel) }
    }

    /// The same, on a connection the caller holds.
    public func stored(_ db: some MariaDBQueryable, scope: TenantScope, channel: Channel, lock: Bool = false) async throws
        -> StoredSettings
    {
        let locking: MariaDBQuery = lock ? " FOR UPDATE" : ""
        let rows = try await db.query(
            "SELECT name, value FROM \(identifier: table) WHERE tenant_key = \(scope.key) AND channel = \(channel)\(locking)")
        var settings = StoredSettings()
        for row in rows {
            guard let name = SettingName(rawValue: try row.decode("name")) else { continue }
            let json = try? JSONDecoder().decode(JSONValue.self, from: Data(try row.decode("value", as: String.self).utf8))
            switch name {
            case .quietHours:
                if let start = json?["start"]?.stringValue, let end = json?["end"]?.stringValue {
                    settings.quietHours = QuietHours(start: start, end: end)
                }
            case .timezone: settings.timezone = json?.stringValue
            case .frequencyCap:
                if let max = json?["max"]?.integerValue, let days = json?["days"]?.integerValue {
                    settings.frequencyCap = FrequencyCap(max: max, days: days)
                }
            case .rateLimit:
                if case .number(let rate)? = json { settings.rateLimit = rate }
            case .attributionDays: settings.attributionDays = json?.integerValue
            case .locale: settings.locale = json?.stringValue.flatMap(LocaleKey.init(parsing:))?.rawValue
            case .tracking: settings.tracking = Tracking(json: json)
            }
        }
        return settings
    }

    public func apply(_ update: SettingsUpdate, scope: TenantScope, channel: Channel, by user: Int?) async throws -> StoredSettings {
        let now = clock.now()
        defer { versions?.invalidate(scope) }
        return try await pool.withTransaction { tx in
            // The old values, read under the lock of this transaction's writes (for the audit).
            let old = try await stored(tx, scope: scope, channel: channel, lock: true)
            func write(_ name: SettingName, _ value: JSONValue?) async throws {
                if let value {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    let text = String(decoding: try encoder.encode(value), as: UTF8.self)
                    try await tx.execute(
                        """
                        INSERT INTO \(identifier: table) (tenant_key, tenant_id, channel, name, value, updated_at)
                        VALUES (\(scope.key), \(scope.tenantID), \(channel), \(name.rawValue), \(text), \(now))
                        ON DUPLICATE KEY UPDATE value = VALUES(value), updated_at = VALUES(updated_at)
                        """)
                } else {
                    try await tx.execute(
                        "DELETE FROM \(identifier: table) WHERE tenant_key = \(scope.key) AND channel = \(channel) AND name = \(name.rawValue)")
                }
            }
            func change<Value>(_ name: SettingName, _ change: SettingChange<Value>, _ encode: (Value) -> JSONValue) async throws -> Bool {
                switch change {
                case .keep: return false
                case .set(let value): try await write(name, encode(value))
                case .reset: try await write(name, nil)
                }
                return true
            }
            let windowChanged = try await change(.quietHours, update.quietHours) {
                .object(["start": .string($0.startText), "end": .string($0.endText)])
            }
            let zoneChanged = try await change(.timezone, update.timezone) { .string($0) }
            _ = try await change(.frequencyCap, update.frequencyCap) { .object(["max": .number(Double($0.max)), "days": .number(Double($0.days))]) }
            _ = try await change(.rateLimit, update.rateLimit) { .number($0) }
            _ = try await change(.attributionDays, update.attributionDays) { .number(Double($0)) }
            _ = try await change(.locale, update.locale) { .string($0) }
            _ = try await change(.tracking, update.tracking) { $0.json }
            if windowChanged || zoneChanged {
                // Rows held by the old window are due again now: the engine holds them anew by
                // the new one (or sends them), so nobody waits for a window that no longer exists.
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET next_attempt_at = NULL, held = 0, updated_at = \(now)
                    WHERE tenant_key = \(scope.key) AND channel = \(channel) AND status = \(LogStatus.pending) AND held = 1
                    """)
            }
            let new = try await stored(tx, scope: scope, channel: channel)
            let detail = StoredSettings.auditChanges(from: old, to: new)
            if case .object(let changes)? = detail["changes"], !changes.isEmpty {
                try await SettingsVersions.bump(tx, scope: scope, table: table, now: now)
                try await audit.write(
                    tx,
                    AuditEntry(
                        at: now, scope: scope, userID: user, action: .update, objectType: .settings, objectID: nil, channel: channel,
                        detail: detail))
            }
            return new
        }
    }
}
