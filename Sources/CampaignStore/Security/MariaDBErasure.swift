import Campaigns
import Foundation
import MariaDB

/// Erases a person's messages in a tenant in one transaction (DESIGN §20).
public struct MariaDBErasure: PersonalDataEraser {
    let pool: MariaDBPool
    let logs: SQLIdentifier
    /// The person's tracked links go with their log rows (DESIGN §20).
    let links: SQLIdentifier
    let outbox: SQLIdentifier
    let audit: AuditWriter
    let clock: any WallClock

    public init(pool: MariaDBPool, prefix: TablePrefix, clock: any WallClock) {
        self.pool = pool
        self.logs = prefix.bkntc("campaign_logs")
        self.links = prefix.bkntc("campaign_links")
        self.outbox = prefix.bkntc("campaign_outbox")
        self.audit = AuditWriter(prefix: prefix)
        self.clock = clock
    }

    public func erase(_ subject: ErasureSubject, scope: TenantScope, by user: Int?, requireKnown: Bool) async throws -> Int {
        try await pool.withTransaction { db in
            var rows = 0
            if let customer = subject.customerID {
                try await db.execute(
                    """
                    DELETE k FROM \(identifier: links) k JOIN \(identifier: logs) l ON l.id = k.log_id
                    WHERE l.tenant_key = \(scope.key) AND l.customer_id = \(customer)
                    """)
                rows += try await db.execute("DELETE FROM \(identifier: logs) WHERE tenant_key = \(scope.key) AND customer_id = \(customer)")
                    .affectedRows
            }
            var copies = 0
            if !subject.addresses.isEmpty {
                try await db.execute(
                    """
                    DELETE k FROM \(identifier: links) k JOIN \(identifier: logs) l ON l.id = k.log_id
                    WHERE l.tenant_key = \(scope.key) AND l.address IN (\(list: subject.addresses))
                    """)
                rows += try await db.execute(
                    "DELETE FROM \(identifier: logs) WHERE tenant_key = \(scope.key) AND address IN (\(list: subject.addresses))"
                ).affectedRows
                copies = try await db.execute(
                    "DELETE FROM \(identifier: outbox) WHERE tenant_key = \(scope.key) AND to_address IN (\(list: subject.addresses))"
                ).affectedRows
            }
            // Another tenant's customer, or nobody: the rollback leaves no trace.
            if !requireKnown && rows == 0 { throw DomainError.notFound("customer") }
            _ = try await audit.write(
                db,
                AuditEntry(
                    at: clock.now(), scope: scope, userID: user, action: .erase, objectType: .customer, objectID: subject.customerID,
                    channel: nil,
                    detail: [
                        "log_rows": .number(Double(rows)), "outbox_copies": .number(Double(copies)),
                        "addresses": .number(Double(subject.addresses.count)),
                    ]))
            return rows
        }
    }
}
