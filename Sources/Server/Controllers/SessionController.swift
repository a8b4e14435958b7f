import Campaigns
import Foundation
import Hummingbird

/// `POST /api/v1/sessions` (a launch token for a session token), `DELETE /sessions/current`
/// and `GET /me` (who the caller is, what they may do, which providers can send).
struct SessionController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.post, "sessions", .open, use: create)
        api.on(.delete, "sessions/current", .authenticated, use: revokeCurrent)
        api.on(.get, "me", .authenticated, use: me)
    }

    /// Exchanges the admin link's launch token for a session.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let json = try await request.jsonBody()
        guard let token = json["launch_token"]?.stringValue, !token.isEmpty else {
            throw APIError.validation("launch_token", "is required")
        }
        let session = try await deps.authenticator.createSession(launchToken: token)
        return jsonResponse(
            SessionBody(sessionToken: session.token, expiresAt: session.expiresAt, tenantId: session.tenant, userId: session.user),
            status: .created)
    }

    /// Revokes the session the request was made with.
    @Sendable func revokeCurrent(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = context.identity?.sessionID else {
            throw APIError(.badRequest, code: .noSession, message: "this request was not made with a session token")
        }
        try await deps.authenticator.revokeSession(id)
        return Response(status: .noContent)
    }

    /// The caller's capabilities per channel and each channel's provider state.
    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let identity = context.identity else { throw APIError.unauthorized }
        let capabilities = context.capabilities ?? CapabilitySet(granted: [], planChannels: [])
        var granted: [String: [String]] = [:]
        for channel in Channel.allCases {
            granted[channel.rawValue] = Capability.allCases.filter { capabilities.allows($0, on: channel) }.map { $0.name(for: channel) }
        }
        var providers: [String: ProviderStateBody] = [:]
        for channel in Channel.allCases {
            let problem = await deps.providerProblem(scope: identity.scope, channel: channel)
            providers[channel.rawValue] = ProviderStateBody(configured: problem == nil, missing: Nullable(problem))
        }
        return jsonResponse(MeBody(user: identity.userID, tenant: identity.scope.tenantID, capabilities: granted, providers: providers))
    }
}
