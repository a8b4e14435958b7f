import Foundation

/// What a test send checks and records before it goes (DESIGN §13): it obeys what every send
/// obeys — the suppression list (checked by the caller), the plan's SMS quota, the sender's
/// rate — and at most `BKNTC_TEST_SENDS_PER_DAY` are made per tenant and channel per day, each
/// in the audit trail.
public protocol TestSendStore: Sendable {
    /// The tenant's SMS allowance this month (nil: no limit applies). Test SMS count towards it.
    func smsQuota(scope: TenantScope, now: Date) async throws -> SMSQuota?
    /// The tenant's time zone for `channel` (its days bound the daily count).
    func timeZone(scope: TenantScope, channel: Channel) async throws -> TimeZone
    /// Records `entry` (a test send about to be made) unless the tenant already made `limit` test
    /// sends on its channel since `dayStart`; the count and the insert happen under one lock, so
    /// concurrent requests never pass the limit together. Returns the entry's id, nil at the limit.
    func reserve(_ entry: AuditEntry, since dayStart: Date, limit: Int) async throws -> Int?
    /// Replaces the detail of a reserved entry with the send's outcome.
    func complete(id: Int, detail: [String: JSONValue]) async throws
    /// Reserves one slot of `sender`'s rate (shared with the engine and every replica) no later
    /// than `deadline`; nil when none is free by then.
    func reserveSlot(sender: String, rate: Double, now: Date, deadline: Date) async throws -> Date?
}
