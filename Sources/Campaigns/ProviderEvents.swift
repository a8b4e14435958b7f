import Foundation

/// What a Twilio status callback means for a log row (DESIGN §7).
public enum DeliveryStatus: String, Sendable, Hashable {
    case delivered, undelivered

    /// `delivered` → delivered; `undelivered` or `failed` → undelivered; earlier states
    /// (`queued`, `sending`, `sent`, …) are nil: they never change a row.
    public init?(twilioStatus: String) {
        switch twilioStatus.lowercased() {
        case "delivered", "read": self = .delivered
        case "undelivered", "failed": self = .undelivered
        default: return nil
        }
    }
}

/// What an inbound reply asks for (DESIGN §7).
public enum InboundKeyword: Sendable, Hashable {
    case stop, start

    /// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT → stop; START, UNSTOP, YES
    /// → start; trimmed and case-insensitive. Anything else is not a keyword.
    public init?(body: String) {
        switch body.trimmingCharacters(in: .whitespacesAndNewlines).uppercased() {
        case "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT": self = .stop
        case "START", "UNSTOP", "YES": self = .start
        default: return nil
        }
    }
}

/// The suppression reasons the providers write.
public enum SuppressionReason {
    public static let stopReply = "STOP reply"
    public static let unsubscribeLink = "unsubscribe link"
}

/// Writes what providers and recipients tell the service: delivery statuses, STOP/START
/// replies and unsubscribe clicks.
public protocol ProviderEventStore: Sendable {
    /// Applies a status to the row with `sid` in one of `tenants`; when no row has the sid yet,
    /// keeps it to apply when one does. Returns whether a row changed.
    func applyStatus(sid: String, status: DeliveryStatus, errorCode: String?, tenants: [TenantScope]) async throws -> Bool
    /// Adds `address` to the suppression list of each scope (idempotent).
    func suppress(_ address: String, scopes: [TenantScope], channel: Channel, reason: String, source: SuppressionSource) async throws
    /// Removes the STOP-reply suppression of `address` in each scope.
    func removeStopSuppression(_ address: String, scopes: [TenantScope], channel: Channel) async throws
    /// The `locale` of the latest appointment of the customer campaign `campaignID` messaged at
    /// `address` (an index lookup by the token's campaign, never a scan of the tenant's logs;
    /// nil without a campaign).
    func locale(scope: TenantScope, campaignID: Int?, address: String) async throws -> String?
}
