import Campaigns
import HTTPTypes
import Hummingbird

/// What a route requires; every API route declares one (tests check the list is complete).
public enum RouteAccess: Sendable, Hashable {
    /// Anyone (health, readiness, metrics, the session exchange).
    case open
    /// Signed by the bridge without a user (cron).
    case system
    /// Any authenticated identity (e.g. revoking one's own session).
    case authenticated
    /// A per-channel capability, for the channel of the body or the object.
    case capability(Capability)
}

/// The declared routes, in registration order.
public struct RouteDeclaration: Sendable, Hashable {
    public let method: String
    public let path: String
    public let access: RouteAccess
    /// Whether the route honours `Idempotency-Key` (every POST that creates or sends, DESIGN §21).
    public var idempotent = false
}

/// A route's handler: a controller's named method.
typealias RouteHandler = @Sendable (Request, AppRequestContext) async throws -> Response

/// Where controllers register their routes: each registration names the route's access, which
/// is recorded (the declared list `buildRouter` returns) and enforced here: `system` and
/// `authenticated` before the handler runs; a capability is handed to the handler in the
/// context (``AppRequestContext/declaredCapability``), which checks it on the channel of the
/// body or the object once it knows that channel (``AppRequestContext/requireCapability(on:)``)
/// and can check no other.
struct RouteRegistrar {
    let group: RouterGroup<AppRequestContext>
    /// The group's path as declared (`""` at the root, `"/api/v1"`).
    let prefix: String
    /// Wraps the handlers of routes declared `idempotent`; nil where none is (outside the API).
    let idempotency: IdempotencyGuard?
    private(set) var declarations: [RouteDeclaration] = []

    init(group: RouterGroup<AppRequestContext>, prefix: String, idempotency: IdempotencyGuard? = nil) {
        self.group = group
        self.prefix = prefix
        self.idempotency = idempotency
    }

    /// Registers `handler` and declares it; an `idempotent` route (one that creates or sends)
    /// honours `Idempotency-Key` through ``IdempotencyGuard``.
    mutating func on(
        _ method: HTTPRequest.Method, _ path: String, _ access: RouteAccess, idempotent: Bool = false, use handler: @escaping RouteHandler
    ) {
        var responder = Self.enforcing(access, handler)
        if idempotent, let idempotency { responder = idempotency.wrap(responder) }
        group.on(RouterPath(path), method: method, use: responder)
        declare(method, path, access, idempotent: idempotent)
    }

    /// Registers `handler` without declaring it (a path that another declaration covers).
    func undeclared(_ method: HTTPRequest.Method, _ path: String, use handler: @escaping RouteHandler) {
        group.on(RouterPath(path), method: method, use: handler)
    }

    /// Declares a route (`path` relative to the group).
    mutating func declare(_ method: HTTPRequest.Method, _ path: String, _ access: RouteAccess, idempotent: Bool = false) {
        declarations.append(
            RouteDeclaration(method: method.rawValue, path: prefix + "/" + path, access: access, idempotent: idempotent))
    }

    /// The handler behind the check of its declared access.
    private static func enforcing(_ access: RouteAccess, _ handler: @escaping RouteHandler) -> RouteHandler {
        switch access {
        case .open:
            return handler
        case .capability(let capability):
            return { request, context in
                var context = context
                context.declaredCapability = capability
                return try await handler(request, context)
            }
        case .authenticated:
            return { request, context in
                guard context.identity != nil else { throw APIError.unauthorized }
                return try await handler(request, context)
            }
        case .system:
            return { request, context in
                guard let identity = context.identity, identity.kind == .system else {
                    throw APIError(
                        .forbidden, code: .forbidden(.capability),
                        message: "the tick is for the WordPress cron: sign it without X-Bkntc-User")
                }
                return try await handler(request, context)
            }
        }
    }
}
