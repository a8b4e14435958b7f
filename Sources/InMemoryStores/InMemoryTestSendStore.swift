import Campaigns
import Foundation
import Synchronization

/// What test sends check and record, in memory (DESIGN §13): the plan's SMS quota as a test sets
/// it, the tenant's zone, the daily count kept as audit entries in an ``InMemoryAuditLog``, and
/// the sender's rate as slots `1 / rate` seconds apart.
public final class InMemoryTestSendStore: TestSendStore {
    private let audit: InMemoryAuditLog
    private let state = Mutex<(quotas: [TenantScope: SMSQuota], slots: [String: Date])>(([:], [:]))
    private let zone: TimeZone

    /// `audit` keeps the test sends (and so their daily count); days are counted in `timeZone`.
    public init(audit: InMemoryAuditLog, timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.audit = audit
        self.zone = timeZone
    }

    /// Sets (or, with nil, removes) the tenant's SMS allowance this month.
    public func setSMSQuota(_ quota: SMSQuota?, scope: TenantScope) { state.withLock { $0.quotas[scope] = quota } }

    public func smsQuota(scope: TenantScope, now: Date) async throws -> SMSQuota? {
        guard var quota = state.withLock({ $0.quotas[scope] }) else { return nil }
        // Test SMS of this month count towards the allowance.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let month = calendar.dateInterval(of: .month, for: now)?.start ?? now
        quota.used += audit.all.filter { $0.scope == scope && $0.action == .testSend && $0.channel == .sms && $0.at >= month }.count
        return quota
    }

    public func timeZone(scope: TenantScope, channel: Channel) async throws -> TimeZone { zone }

    public func reserve(_ entry: AuditEntry, since dayStart: Date, limit: Int) async throws -> Int? {
        audit.append(entry, ifFewerThan: limit) {
            $0.scope == entry.scope && $0.action == .testSend && $0.channel == entry.channel && $0.at >= dayStart
        }
    }

    public func complete(id: Int, detail: [String: JSONValue]) async throws { audit.replaceDetail(id: id, with: detail) }

    public func reserveSlot(sender: String, rate: Double, now: Date, deadline: Date) async throws -> Date? {
        guard rate > 0 else { return now }
        return state.withLock { state in
            let slot = max(now, state.slots[sender] ?? now)
            guard slot <= deadline else { return nil }
            state.slots[sender] = slot.addingTimeInterval(1 / rate)
            return slot
        }
    }
}
