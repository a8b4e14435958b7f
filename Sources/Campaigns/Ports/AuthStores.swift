import Foundation

/// One-time values (used request signatures, launch tokens), shared by every replica.
public protocol NonceStore: Sendable {
    /// Records `nonce` until `expiresAt`; false when it was already used (a replay).
    func consume(_ nonce: String, expiresAt: Date) async throws -> Bool
}

/// A browser session as stored.
public struct StoredSession: Sendable, Hashable {
    public var id: String
    public var tenantID: Int?
    public var userID: Int

    public init(id: String, tenantID: Int?, userID: Int) {
        self.id = id
        self.tenantID = tenantID
        self.userID = userID
    }
}

/// Revocable browser sessions.
public protocol SessionStore: Sendable {
    func create(_ session: StoredSession, expiresAt: Date) async throws
    /// The session if it exists, is not revoked and has not expired.
    func find(id: String) async throws -> StoredSession?
    func revoke(id: String) async throws
}

/// Resolves what a WordPress user may do (DESIGN §7): `administrator` → everything; SaaS
/// tenant owner → everything in the tenant; staff → role-manager permissions; anyone else →
/// nothing. On SaaS the tenant's plan gates each channel first.
public protocol CapabilityResolving: Sendable {
    func capabilities(userID: Int, scope: TenantScope) async throws -> CapabilitySet
    /// Whether the user is a WordPress administrator (may act for any tenant).
    func isAdministrator(userID: Int) async throws -> Bool
}
