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
