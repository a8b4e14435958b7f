import Campaigns
import Foundation
import MariaDB

/// Delivery statuses, STOP/START replies and unsubscribe clicks, tenant by tenant.
public struct MariaDBProviderEvents: ProviderEventStore {
    let pool: MariaDBPool
    let logs: SQLIdentifier
    let callbacks: SQLIdentifier
    let suppressions: SQLIdentifier
    let appointments: SQLIdentifier
    let clock: any WallClock

    public init(pool: MariaDBPool, prefix: TablePrefix, clock: any WallClock) {
        self.pool = pool
        self.logs = prefix.bkntc("campaign_logs")
        self.callbacks = prefix.bkntc("campaign_callbacks")
        self.suppressions = prefix.bkntc("campaign_suppressions")
        self.appointments = prefix.bkntc("appointments")
        self.clock = clock
    }

    private func now() -> Date { Date(timeIntervalSince1970: clock.now().timeIntervalSince1970.rounded(.down)) }

    public func applyStatus(sid: String, status: DeliveryStatus, errorCode: String?, tenants: [TenantScope]) async throws -> Bool {
        if tenants.isEmpty { return false }
        let now = now()
        let newStatus: LogStatus = status == .delivered ? .delivered : .undelivered
        let error = status == .delivered ? nil : String((errorCode ?? "undelivered").prefix(16))
        return try await pool.withConnection { db in
            let changed = try await db.execute(
                """
                UPDATE \(identifier: logs) SET status = \(newStatus), last_error = \(error), updated_at = \(now)
                WHERE provider_message_id = \(sid) AND tenant_key IN (\(list: tenants.map(\.key))) AND status = \(LogStatus.sent)
                """
            ).affectedRows
            if changed > 0 { return true }
            let known = try await db.queryFirst(
                """
                SELECT id FROM \(identifier: logs) WHERE provider_message_id = \(sid) AND tenant_key IN (\(list: tenants.map(\.key))) LIMIT 1
                """)
            if known != nil { return false }  // a row with a later or final state: never downgraded
            // Not stored yet (the batch that sent it has not recorded): keep it for `record`. A
            // later callback for the same sid updates it only when it comes from the same
            // tenants' account: another tenant's account can never restate this one's messages.
            let keys = Set(tenants.map(\.key)).sorted().map(String.init).joined(separator: ",")
            try await db.execute(
                """
                INSERT INTO \(identifier: callbacks) (message_sid, status, error_code, tenant_keys, received_at)
                VALUES (\(sid), \(status.rawValue), \(error), \(String(keys.prefix(1024))), \(now))
                ON DUPLICATE KEY UPDATE
                  status = IF(tenant_keys = VALUES(tenant_keys), VALUES(status), status),
                  error_code = IF(tenant_keys = VALUES(tenant_keys), VALUES(error_code), error_code),
                  received_at = IF(tenant_keys = VALUES(tenant_keys), VALUES(received_at), received_at)
                """)
            try await db.execute(
                "DELETE FROM \(identifier: callbacks) WHERE received_at < \(now.addingTimeInterval(-7 * 86_400)) LIMIT 100")
            return false
        }
    }

    public func suppress(_ address: String, scopes: [TenantScope], channel: Channel, reason: String, source: SuppressionSource) async throws {
        if scopes.isEmpty { return }
        let now = now()
        let rows = MariaDBQuery.joined(
            scopes.map { "(\($0.tenantID), \($0.key), \(channel), \(address), \(reason), \(source), \(now))" }, separator: ", ")
        try await pool.withConnection { db in
            try await db.execute(
                """
                INSERT IGNORE INTO \(identifier: suppressions) (tenant_id, tenant_key, channel, address, reason, source, created_at)
                VALUES \(rows)
                """)
        }
    }

    public func removeStopSuppression(_ address: String, scopes: [TenantScope], channel: Channel) async throws {
        if scopes.isEmpty { return }
        try await pool.withConnection { db in
            try await db.execute(
                """
                DELETE FROM \(identifier: suppressions)
                WHERE tenant_key IN (\(list: scopes.map(\.key))) AND channel = \(channel) AND address = \(address)
                  AND reason = \(SuppressionReason.stopReply)
                """)
        }
    }

    public func locale(scope: TenantScope, campaignID: Int?, address: String) async throws -> String? {
        guard let campaignID else { return nil }
        return try await pool.withConnection { db in
            guard
                let customer = try await db.queryFirst(customerQuery(scope: scope, campaignID: campaignID, address: address))?
                    .decode("customer_id", as: Int?.self)
            else { return nil }
            let row = try await db.queryFirst(
                """
                SELECT locale FROM \(identifier: appointments)
                WHERE customer_id = \(customer) AND \(scope.bookneticCondition) AND locale IS NOT NULL AND locale <> ''
                ORDER BY starts_at DESC LIMIT 1
                """)
            return try row?.decode("locale", as: String?.self)
        }
    }

    /// The customer a campaign messaged at an address: a lookup on `idx_campaign_address`.
    public func customerQuery(scope: TenantScope, campaignID: Int, address: String) -> MariaDBQuery {
        """
        SELECT customer_id FROM \(identifier: logs)
        WHERE campaign_id = \(campaignID) AND address = \(address) AND tenant_key = \(scope.key) AND customer_id IS NOT NULL
        LIMIT 1
        """
    }
}
