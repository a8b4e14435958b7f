import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import Messaging

/// The one-click unsubscribe links of emails (DESIGN §7), verified by their HMAC: `GET` shows
/// the confirmation page, `POST` (the form, or RFC 8058's one-click) suppresses the address.
struct UnsubscribeController {
    let deps: AppDependencies
    /// The links' key, derived once from `BKNTC_SECRET`.
    let keys: ServiceKeys

    init(deps: AppDependencies) {
        self.deps = deps
        keys = ServiceKeys(secret: deps.secret)
    }

    func addRoutes(to routes: inout RouteRegistrar) {
        routes.on(.get, "unsubscribe/:token", .open, use: confirm)
        routes.on(.post, "unsubscribe/:token", .open, use: unsubscribe)
    }

    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let decoded = token(context) else { return invalidToken(context) }
        let language = try? await deps.providerEvents.locale(scope: decoded.scope, campaignID: decoded.campaignID, address: decoded.address)
        return Self.page(.confirm(address: decoded.address, actionPath: request.uri.path), language: language, status: .ok)
    }

    @Sendable func unsubscribe(_ request: Request, context: AppRequestContext) async throws -> Response {
        // RFC 8058: any body (List-Unsubscribe=One-Click from a mail client, or the form).
        _ = try? await request.body.collect(upTo: 4096)
        guard let decoded = token(context) else { return invalidToken(context) }
        try await deps.providerEvents.suppress(
            decoded.address, scopes: [decoded.scope], channel: decoded.channel, reason: SuppressionReason.unsubscribeLink,
            source: .unsubscribe)
        let language = try? await deps.providerEvents.locale(scope: decoded.scope, campaignID: decoded.campaignID, address: decoded.address)
        return Self.page(.done(address: decoded.address), language: language, status: .ok)
    }

    private func token(_ context: AppRequestContext) -> UnsubscribeToken? {
        guard let token = context.parameters.get("token") else { return nil }
        return UnsubscribeToken.decode(token, keys: keys)
    }

    /// The page for a token that is not ours (400). Refusals count against the caller's address
    /// like bad signatures: once its budget is spent it gets 429 with `Retry-After`. A valid token
    /// is never throttled, so a recipient can always unsubscribe.
    private func invalidToken(_ context: AppRequestContext) -> Response {
        guard let seconds = deps.rateLimiter.retryAfter(taking: context.addressKey, clock: deps.clock) else {
            return Self.page(.invalid, language: nil, status: .badRequest)
        }
        var response = Self.page(.invalid, language: nil, status: .tooManyRequests)
        response.headers[.retryAfter] = String(seconds)
        return response
    }

    /// An unsubscribe page: no script, no cookies, no redirect, not cached, not framed.
    static func page(_ state: UnsubscribePage.State, language: String?, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentLanguage] = UnsubscribePage.languageCode(for: language)
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        let html = UnsubscribePage.render(state, language: language, businessName: nil)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
