import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import Messaging

/// The form of a Twilio webhook and the tenants whose *own* effective auth token validates its
/// signature (DESIGN §13): a signature made with one tenant's token never touches another
/// tenant's rows or suppressions, even when both use the same Account SID. None → 403 (nothing
/// changes). Refusals count against the caller's address like failed API logins: once its
/// budget is spent it gets 429 with `Retry-After`, so signatures cannot be guessed at full speed.
struct TwilioWebhookVerifier {
    static let signatureHeader = HTTPField.Name("X-Twilio-Signature")!

    let deps: AppDependencies

    func verifiedForm(_ request: Request, _ context: AppRequestContext) async throws -> ([FormField], [TwilioTenant]) {
        do {
            return try await verifiedForm(request)
        } catch let error as APIError where error.status == .forbidden {
            if let seconds = deps.rateLimiter.retryAfter(taking: context.addressKey, clock: deps.clock) {
                throw APIError.rateLimited(retryAfter: seconds)
            }
            throw error
        }
    }

    private func verifiedForm(_ request: Request) async throws -> ([FormField], [TwilioTenant]) {
        let forbidden = APIError(.forbidden, code: .forbidden(.capability), message: "invalid X-Twilio-Signature")
        guard let publicURL = deps.publicURL else {
            throw APIError(.forbidden, code: .forbidden(.capability), message: "BKNTC_PUBLIC_URL is not set: webhook signatures cannot be verified")
        }
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self), let form = FormField.decode(text) else {
            throw APIError.validation("body", "must be application/x-www-form-urlencoded")
        }
        guard let signature = request.headers[Self.signatureHeader], let account = form.value("AccountSid"), !account.isEmpty else {
            throw forbidden
        }
        let tenants = try await deps.providers.twilioTenants(accountSID: account)
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

    /// A number without its `whatsapp:` prefix.
    static func strip(_ value: String) -> String {
        value.lowercased().hasPrefix("whatsapp:") ? String(value.dropFirst("whatsapp:".count)) : value
    }
}

extension [FormField] {
    /// The first value of `name`.
    func value(_ name: String) -> String? { first { $0.name == name }?.value }
}
