import Campaigns
import Foundation

/// Erases a person's messages in memory (DESIGN §20): their rows of an ``InMemoryMessageHistory``
/// go, suppressions stay, and one audit entry records the counts, never the addresses.
public struct InMemoryErasure: PersonalDataEraser {
    let history: InMemoryMessageHistory
    let audit: InMemoryAuditLog
    let clock: any WallClock

    public init(history: InMemoryMessageHistory, audit: InMemoryAuditLog, clock: any WallClock) {
        self.history = history
        self.audit = audit
        self.clock = clock
    }

    public func erase(_ subject: ErasureSubject, scope: TenantScope, by user: Int?, requireKnown: Bool) async throws -> Int {
        // Without a known customer and without a row, nothing is erased and nothing is written.
        let matching = history.all.filter { entry in
            entry.scope == scope
                && ((subject.customerID != nil && entry.customerID == subject.customerID)
                    || subject.addresses.contains { $0.lowercased() == entry.message.address.lowercased() })
        }
        if !requireKnown && matching.isEmpty { throw DomainError.notFound("customer") }
        let rows = history.remove(scope: scope, customerID: subject.customerID, addresses: subject.addresses)
        audit.append(
            AuditEntry(
                at: clock.now(), scope: scope, userID: user, action: .erase, objectType: .customer, objectID: subject.customerID,
                channel: nil,
                detail: [
                    "log_rows": .number(Double(rows)), "outbox_copies": .number(0), "addresses": .number(Double(subject.addresses.count)),
                ]))
        return rows
    }
}
