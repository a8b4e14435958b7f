/// The per-channel capabilities of DESIGN §7 (`sms_campaigns_send`, `email_campaign_logs`, …).
public enum Capability: String, Sendable, CaseIterable, Hashable {
    case read = "campaigns"
    case create = "campaigns_create"
    case send = "campaigns_send"
    case delete = "campaigns_delete"
    case templates = "campaign_templates"
    case logs = "campaign_logs"
    case suppressions = "campaign_suppressions"

    /// The Booknetic permission name for a channel, e.g. `sms_campaigns_create`.
    public func name(for channel: Channel) -> String { "\(channel.rawValue)_\(rawValue)" }
}

/// What an identity may do in its tenant: granted capability names and, on SaaS, the channels
/// the tenant's plan allows (the tenant gate).
public struct CapabilitySet: Sendable, Hashable {
    public var granted: Set<String>
    /// nil on single-site installs (no gate).
    public var planChannels: Set<Channel>?

    public init(granted: Set<String>, planChannels: Set<Channel>?) {
        self.granted = granted
        self.planChannels = planChannels
    }

    public static func everything(planChannels: Set<Channel>?) -> CapabilitySet {
        CapabilitySet(
            granted: Set(Channel.allCases.flatMap { channel in Capability.allCases.map { $0.name(for: channel) } }),
            planChannels: planChannels)
    }

    /// Whether the tenant's plan lets this channel be used at all.
    public func gateAllows(_ channel: Channel) -> Bool { planChannels?.contains(channel) ?? true }

    public func allows(_ capability: Capability, on channel: Channel) -> Bool {
        gateAllows(channel) && granted.contains(capability.name(for: channel))
    }

    /// Throws the contract's refusal (`tenant_gate` first, then `capability`).
    public func require(_ capability: Capability, on channel: Channel) throws(DomainError) {
        guard gateAllows(channel) else {
            throw .forbidden(.tenantGate, message: "your plan does not include \(channel.rawValue) campaigns")
        }
        guard granted.contains(capability.name(for: channel)) else {
            throw .forbidden(.capability, message: "you need the \(capability.name(for: channel)) permission")
        }
    }

    /// Channels on which `capability` is allowed.
    public func channels(with capability: Capability) -> Set<Channel> {
        Set(Channel.allCases.filter { allows(capability, on: $0) })
    }
}

/// A capability check that a repository runs on the row it acts on, inside the transaction
/// that changes it: the channel it checks is the one locked, never an earlier read.
public struct AccessCheck: Sendable, Hashable {
    public let capabilities: CapabilitySet
    public let capability: Capability

    public init(_ capability: Capability, in capabilities: CapabilitySet) {
        self.capability = capability
        self.capabilities = capabilities
    }

    /// Throws `forbidden` unless the capability is held on `channel`.
    public func check(_ channel: Channel) throws(DomainError) {
        try capabilities.require(capability, on: channel)
    }
}
