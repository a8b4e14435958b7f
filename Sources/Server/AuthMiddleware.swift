import Campaigns
import Foundation
import HTTPTypes
import Hummingbird

/// Authenticates every `/api/v1` request (except the session exchange) and resolves the
/// caller's capabilities for its tenant. Routes then check the capability they declare.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let authenticator: RequestAuthenticator
    let capabilities: any CapabilityResolving
    let installation: InstallationMode
    let limiter: RateLimiter
    let clock: any WallClock

    static let timestamp = HTTPField.Name("X-Bkntc-Timestamp")!
    static let tenant = HTTPField.Name("X-Bkntc-Tenant")!
    static let user = HTTPField.Name("X-Bkntc-User")!
    static let signature = HTTPField.Name("X-Bkntc-Signature")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        if request.method == .post, request.uri.path == "/api/v1/sessions" {
            return try await spendingTheAddressBudgetOnFailure(context) { try await next(request, context) }
        }
        let identity = try await spendingTheAddressBudgetOnFailure(context) { try await authenticate(&request, context) }
        try limit(identity.userID.map { "user:\($0)" } ?? "system:\(identity.scope.key)")
        context.identity = identity
        if let userID = identity.userID {
            context.capabilities = try await capabilities.capabilities(userID: userID, scope: identity.scope)
        }
        return try await next(request, context)
    }

    private func limit(_ key: String) throws {
        if let seconds = limiter.retryAfter(taking: key, clock: clock) { throw APIError.rateLimited(retryAfter: seconds) }
    }

    /// Runs `attempt`; only a refusal (401) counts against the client's address (DESIGN §13), so
    /// guessing is slowed down (429 once the budget is spent) while a genuine signature or launch
    /// token is never refused for its neighbours' failures.
    private func spendingTheAddressBudgetOnFailure<T>(_ context: Context, _ attempt: () async throws -> T) async throws -> T {
        do {
            return try await attempt()
        } catch let error as APIError where error.status == .unauthorized {
            try limit(context.addressKey)
            throw error
        }
    }

    private func authenticate(_ request: inout Request, _ context: Context) async throws -> Identity {
        let identity: Identity
        if let signature = request.headers[Self.signature] {
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let headers = try await authenticator.verifySignature(
                timestamp: request.headers[Self.timestamp] ?? "", method: request.method.rawValue,
                pathAndQuery: request.head.path ?? request.uri.description, tenant: request.headers[Self.tenant] ?? "",
                user: request.headers[Self.user] ?? "", body: Data(body.readableBytesView), signature: signature)
            identity = try await resolve(tenant: headers.tenant, user: headers.user, session: nil)
        } else if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            let session = try await authenticator.verifySession(String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces))
            identity = try await resolve(tenant: session.tenant.map(String.init) ?? "", user: String(session.user), session: session.id)
        } else {
            throw APIError.unauthorized
        }
        return identity
    }

    private func resolve(tenant: String, user: String, session: String?) async throws -> Identity {
        let tenantText = tenant.trimmingCharacters(in: .whitespaces)
        var scope = TenantScope.singleSite
        if !tenantText.isEmpty, try await installation.isSaaS() {
            guard let id = Int(tenantText), id > 0 else {
                throw APIError(.badRequest, code: .validationFailed, message: "X-Bkntc-Tenant must be a tenant id", field: "X-Bkntc-Tenant")
            }
            scope = .tenant(id)
        }
        let userText = user.trimmingCharacters(in: .whitespaces)
        if userText.isEmpty { return Identity(kind: .system, scope: scope, sessionID: session) }
        guard let userID = Int(userText), userID > 0 else {
            throw APIError(.badRequest, code: .validationFailed, message: "X-Bkntc-User must be a user id", field: "X-Bkntc-User")
        }
        return Identity(kind: .user(userID), scope: scope, sessionID: session)
    }
}

extension AppRequestContext {
    /// The caller's tenant scope (the middleware guarantees an identity on API routes).
    func scope() throws -> TenantScope {
        guard let identity else { throw APIError.unauthorized }
        return identity.scope
    }

    /// The caller's capabilities; the system identity (cron) has none on user routes.
    func caps() throws -> CapabilitySet {
        guard let identity else { throw APIError.unauthorized }
        guard identity.userID != nil, let capabilities else {
            throw APIError(.forbidden, code: .forbidden(.capability), message: "this route needs a WordPress user")
        }
        return capabilities
    }

    /// The capability the route declares; a route without one may not ask (500).
    private func declared() throws -> Capability {
        guard let declaredCapability else {
            throw APIError(.internalServerError, code: .internalError, message: "an unexpected error occurred")
        }
        return declaredCapability
    }

    /// The route's capability on `channel` (403 without it).
    func requireCapability(on channel: Channel) throws {
        try require(try declared(), on: channel)
    }

    /// A check of the route's capability that a repository runs on the row it acts on.
    func capabilityCheck() throws -> AccessCheck {
        try access(try declared())
    }

    /// Channels the caller may use the route's capability on; 403 when none.
    func allowedChannels() throws -> Set<Channel> {
        try channels(with: try declared())
    }

    func require(_ capability: Capability, on channel: Channel) throws {
        try caps().require(capability, on: channel)
    }

    /// A check of `capability` that a repository runs on the row it acts on.
    func access(_ capability: Capability) throws -> AccessCheck {
        AccessCheck(capability, in: try caps())
    }

    /// Channels the caller may use `capability` on; 403 when none.
    func channels(with capability: Capability) throws -> Set<Channel> {
        let caps = try caps()
        let channels = caps.channels(with: capability)
        if channels.isEmpty {
            if Channel.allCases.allSatisfy({ !caps.gateAllows($0) }) {
                throw APIError(.forbidden, code: .forbidden(.tenantGate), message: "your plan does not include campaigns")
            }
            throw APIError(.forbidden, code: .forbidden(.capability), message: "you need a \(capability.rawValue) permission")
        }
        return channels
    }
}
