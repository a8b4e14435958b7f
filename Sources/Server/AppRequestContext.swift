import Campaigns
import Hummingbird
import NIOCore

/// Who is calling: a WordPress user acting in a tenant, or the system (the cron bridge).
public struct Identity: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case user(Int)
        case system
    }
    public var kind: Kind
    public var scope: TenantScope
    /// Set for browser sessions, so `DELETE /sessions/current` can revoke it.
    public var sessionID: String?

    public var userID: Int? {
        if case .user(let id) = kind { return id }
        return nil
    }
}

/// The per-request context: Hummingbird's core storage plus the authenticated identity.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?
    public var capabilities: CapabilitySet?
    /// The capability the route declares (``RouteRegistrar`` sets it before the handler runs).
    public var declaredCapability: Capability?
    /// The peer (the last hop: the client, or a proxy in front of the service).
    public let remoteAddress: SocketAddress?
    /// The client's address as `ClientAddressMiddleware` resolved it behind trusted proxies.
    public var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The body limit (1 MiB) applies to every route.
    public var maxUploadSize: Int { 1 << 20 }
}

extension AppRequestContext {
    /// The key of the caller's per-address budget for failures (bad signatures, launch tokens,
    /// unsubscribe links, Twilio signatures): the client's address (DESIGN §13).
    var addressKey: String {
        "ip:" + (clientAddress ?? remoteAddress?.ipAddress ?? "unknown")
    }
}
