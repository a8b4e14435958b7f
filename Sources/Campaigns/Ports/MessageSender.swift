import Foundation

/// Sends messages through one provider (Twilio, SMTP, the outbox). Implementations bound
/// every call by the provider timeout and never throw for a provider's answer.
public protocol MessageSender: Sendable {
    /// The tenant's channel as this provider sees it: sender, default rate, configuration.
    func profile(scope: TenantScope, channel: Channel) async -> SenderProfile
    func send(_ message: OutgoingMessage) async -> SendOutcome
    /// Finds a message sent at or after `message.claimedAt` to `message.to` with its body.
    func lookup(_ message: OutgoingMessage) async -> LookupOutcome
}
