import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import Messaging

/// The endpoints Twilio and email recipients call, without the API's authentication: status
/// callbacks and inbound replies (verified by `X-Twilio-Signature`) and one-click unsubscribe
/// links (verified by their HMAC) (DESIGN §7).
enum PublicRoutes {
    static let twilioSignature = HTTPField.Name("X-Twilio-Signature")!

    static func register(_ router: Router<AppRequestContext>, _ deps: AppDependencies) -> [RouteDeclaration] {
        let keys = ServiceKeys(secret: deps.secret)
        router.post("webhooks/twilio/status") { request, context in
            let (form, tenants) = try await verifiedTwilioForm(request, context, deps)
            let sid = value("MessageSid", in: form) ?? value("SmsSid", in: form) ?? ""
            if let status = DeliveryStatus(twilioStatus: value("MessageStatus", in: form) ?? ""), !sid.isEmpty, sid.utf8.count <= 64 {
                let errorCode = value("ErrorCode", in: form).flatMap { $0.isEmpty ? nil : String($0.prefix(16)) }
                _ = try await events(deps).applyStatus(sid: sid, status: status, errorCode: errorCode, tenants: Array(Set(tenants.map(\.scope))))
            }
            return twiml()
        }
        router.post("webhooks/twilio/inbound") { request, context in
            let (form, tenants) = try await verifiedTwilioForm(request, context, deps)
            let rawTo = value("To", in: form) ?? ""
            let channel: Channel = rawTo.lowercased().hasPrefix("whatsapp:") ? .whatsapp : .sms
            let to = strip(rawTo)
            guard let keyword = InboundKeyword(body: value("Body", in: form) ?? ""),
                let from = AddressNormalizer(defaultCountryCode: nil).normalizePhone(strip(value("From", in: form) ?? ""))
            else { return twiml() }
            // Every tenant that sends from the number the reply went to, on that channel.
            let scopes = Array(Set(tenants.filter { $0.channel == channel && strip($0.account.sender) == to }.map(\.scope)))
            switch keyword {
            case .stop:
                try await events(deps).suppress(from, scopes: scopes, channel: channel, reason: SuppressionReason.stopReply, source: .stopReply)
            case .start:
                try await events(deps).removeStopSuppression(from, scopes: scopes, channel: channel)
            }
            return twiml()
        }
        router.get("unsubscribe/:token") { request, context in
            guard let token = context.parameters.get("token"), let decoded = UnsubscribeToken.decode(token, keys: keys) else {
                return invalidToken(context, deps)
            }
            let language = try? await events(deps).locale(scope: decoded.scope, campaignID: decoded.campaignID, address: decoded.address)
            return page(.confirm(address: decoded.address, actionPath: request.uri.path), language: language, status: .ok)
        }
        router.post("unsubscribe/:token") { request, context in
            // RFC 8058: any body (List-Unsubscribe=One-Click from a mail client, or the form).
            _ = try? await request.body.collect(upTo: 4096)
            guard let token = context.parameters.get("token"), let decoded = UnsubscribeToken.decode(token, keys: keys) else {
                return invalidToken(context, deps)
            }
            try await events(deps).suppress(
                decoded.address, scopes: [decoded.scope], channel: decoded.channel, reason: SuppressionReason.unsubscribeLink,
                source: .unsubscribe)
            let language = try? await events(deps).locale(scope: decoded.scope, campaignID: decoded.campaignID, address: decoded.address)
            return page(.done(address: decoded.address), language: language, status: .ok)
        }
        return [
            RouteDeclaration(method: "POST", path: "/webhooks/twilio/status", access: .open),
            RouteDeclaration(method: "POST", path: "/webhooks/twilio/inbound", access: .open),
            RouteDeclaration(method: "GET", path: "/unsubscribe/:token", access: .open),
            RouteDeclaration(method: "POST", path: "/unsubscribe/:token", access: .open),
        ]
    }

    /// The form of a Twilio webhook and the tenants whose *own* effective auth token validates its
    /// signature (DESIGN §13): a signature made with one tenant's token never touches another
    /// tenant's rows or suppressions, even when both use the same Account SID. None → 403
    /// (nothing changes). Refusals
    /// count against the caller's address like failed API logins: once its budget is spent it
    /// gets 429 with `Retry-After`, so signatures cannot be guessed at full speed.
    static func verifiedTwilioForm(
        _ request: Request, _ context: AppRequestContext, _ deps: AppDependencies
    ) async throws -> ([FormField], [TwilioTenant]) {
        do {
            return try await verifiedTwilioForm(request, deps)
        } catch let error as APIError where error.status == .forbidden {
            if let seconds = deps.rateLimiter.retryAfter(taking: context.addressKey, clock: deps.clock) {
                throw APIError.rateLimited(retryAfter: seconds)
            }
            throw error
        }
    }

    private static func verifiedTwilioForm(_ request: Request, _ deps: AppDependencies) async throws -> ([FormField], [TwilioTenant]) {
        let forbidden = APIError(.forbidden, code: .forbidden(.capability), message: "invalid X-Twilio-Signature")
        guard let publicURL = deps.publicURL else {
            throw APIError(.forbidden, code: .forbidden(.capability), message: "BKNTC_PUBLIC_URL is not set: webhook signatures cannot be verified")
        }
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self), let form = FormField.decode(text) else {
            throw APIError.validation("body", "must be application/x-www-form-urlencoded")
        }
        guard let signature = request.headers[twilioSignature], let account = value("AccountSid", in: form), !account.isEmpty,
            let providers = deps.providers
        else { throw forbidden }
        let tenants = try await providers.twilioTenants(accountSID: account)
        var url = publicURL + request.uri.path
        if let query = request.uri.query, !query.isEmpty { url += "?" + query }
        // Each distinct token is checked once; a tenant counts only when its own token signed.
        var valid: [String: Bool] = [:]
        for token in Set(tenants.map(\.account.authToken)) {
            valid[token] = TwilioSignature.isValid(signature, url: url, parameters: form, authTokens: [token])
        }
        let signers = tenants.filter { valid[$0.account.authToken] == true }
        guard !signers.isEmpty else { throw forbidden }
        return (form, signers)
    }

    static func value(_ name: String, in form: [FormField]) -> String? { form.first { $0.name == name }?.value }

    /// A number without its `whatsapp:` prefix.
    static func strip(_ value: String) -> String {
        value.lowercased().hasPrefix("whatsapp:") ? String(value.dropFirst("whatsapp:".count)) : value
    }

    static func events(_ deps: AppDependencies) throws -> any ProviderEventStore {
        guard let events = deps.providerEvents else {
            throw APIError(.serviceUnavailable, code: .databaseUnavailable, message: "the database is not available")
        }
        return events
    }

    /// Twilio's empty answer.
    static func twiml() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/xml; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "<Response></Response>")))
    }

    /// The page for a token that is not ours (400). Refusals count against the caller's address
    /// like bad signatures: once its budget is spent it gets 429 with `Retry-After`. A valid token
    /// is never throttled, so a recipient can always unsubscribe.
    static func invalidToken(_ context: AppRequestContext, _ deps: AppDependencies) -> Response {
        guard let seconds = deps.rateLimiter.retryAfter(taking: context.addressKey, clock: deps.clock) else {
            return page(.invalid, language: nil, status: .badRequest)
        }
        var response = page(.invalid, language: nil, status: .tooManyRequests)
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
