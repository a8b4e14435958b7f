import HTTPTypes
import Hummingbird

/// Resolves the client's address (DESIGN §13) before anything counts requests by address: from
/// a trusted proxy, the right-most `X-Forwarded-For` entry that is no trusted proxy; from anyone
/// else, the peer.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    let trustedProxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let peer = context.remoteAddress?.ipAddress else { return try await next(request, context) }
        var context = context
        context.clientAddress = trustedProxies.clientAddress(peer: peer, forwardedFor: request.headers[values: Self.forwardedFor])
        return try await next(request, context)
    }
}
