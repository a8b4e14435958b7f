import Campaigns

/// The sender while no provider can be used: every message fails at once with
/// `provider_not_configured`, naming what to set up (DESIGN §6). Nothing is sent.
public struct UnconfiguredSender: MessageSender {
    let reason: String

    public init(reason: String) { self.reason = reason }

    public func profile(scope: TenantScope, channel: Channel) async -> SenderProfile {
        SenderProfile(key: "\(scope.key)/\(channel.rawValue)", problem: reason)
    }

    public func send(_ message: OutgoingMessage) async -> SendOutcome {
        .permanent(code: StatusReason.providerNotConfigured.rawValue, message: reason, suppress: false)
    }

    public func lookup(_ message: OutgoingMessage) async -> LookupOutcome { .notFound }
}
