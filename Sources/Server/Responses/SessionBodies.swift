import Foundation

/// `POST /api/v1/sessions`: the session token and whose it is.
struct SessionBody: Encodable {
    let sessionToken: String
    let expiresAt: Date
    let tenantId: Int?
    let userId: Int
}

/// Whether a channel's provider can send, and what is missing when not.
struct ProviderStateBody: Encodable {
    let configured: Bool
    let missing: Nullable<String>
}

/// `GET /api/v1/me`.
struct MeBody: Encodable {
    let user: Int?
    let tenant: Int?
    let capabilities: [String: [String]]
    let providers: [String: ProviderStateBody]
}
