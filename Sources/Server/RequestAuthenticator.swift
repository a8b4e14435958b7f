import Campaigns
import Crypto
import Foundation
import Messaging

/// Verifies server-to-server signatures and browser sessions (DESIGN §7, §13).
///
/// Signature: lowercase hex HMAC-SHA256(secret) over
/// `timestamp\nMETHOD\npath?query\ntenant\nuser\nhex(sha256(body))`, ±300 s, each signature
/// usable once (recorded in `{prefix}bkntc_campaign_nonces`, shared by replicas). Signatures and
/// tokens have one spelling each (64 lower-case hex digits; canonical unpadded base64url), and
/// replays are keyed on the MAC's bytes, so a re-spelled value is neither accepted nor new.
public struct RequestAuthenticator: Sendable {
    let nonces: any NonceStore
    let sessions: any SessionStore
    /// The secret for §7's signatures and launch tokens, and the key derived for sessions.
    let keys: ServiceKeys
    let clock: any WallClock
    static let window: TimeInterval = 300
    static let launchTokenLifetime: TimeInterval = 120
    static let sessionLifetime: TimeInterval = 8 * 3600

    public init(nonces: any NonceStore, sessions: any SessionStore, secret: String, clock: any WallClock) {
        self.nonces = nonces
        self.sessions = sessions
        self.keys = ServiceKeys(secret: secret)
        self.clock = clock
    }

    /// The signed text of DESIGN §7: `timestamp\nMETHOD\npath?query\ntenant\nuser\nhex(sha256(body))`.
    static func canonicalString(
        timestamp: String, method: String, pathAndQuery: String, tenant: String, user: String, body: Data
    ) -> Data {
        Data("\(timestamp)\n\(method)\n\(pathAndQuery)\n\(tenant)\n\(user)\n\(SHA256.hash(data: body).hex)".utf8)
    }

    /// The signature of a request, as the bridge computes it.
    public static func signature(
        secret: String, timestamp: String, method: String, pathAndQuery: String, tenant: String, user: String, body: Data
    ) -> String {
        let canonical = canonicalString(
            timestamp: timestamp, method: method, pathAndQuery: pathAndQuery, tenant: tenant, user: user, body: body)
        return HMAC<SHA256>.authenticationCode(for: canonical, using: SymmetricKey(data: Data(secret.utf8))).hex
    }

    /// Checks a signed request; returns the tenant and user headers it vouches for.
    public func verifySignature(
        timestamp: String, method: String, pathAndQuery: String, tenant: String, user: String, body: Data, signature: String
    ) async throws -> (tenant: String, user: String) {
        guard let seconds = Double(timestamp), abs(clock.now().timeIntervalSince1970 - seconds) <= Self.window else {
            throw APIError(.unauthorized, code: .unauthorized, message: "the request timestamp is missing or more than 300 s off")
        }
        let canonical = Self.canonicalString(
            timestamp: timestamp, method: method, pathAndQuery: pathAndQuery, tenant: tenant, user: user, body: body)
        guard let given = LowercaseHex.bytes(of: signature, count: SHA256.byteCount),
            HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: canonical, using: keys.shared)
        else {
            throw APIError(.unauthorized, code: .unauthorized, message: "bad signature")
        }
        try await consumeNonce(of: given, expires: Date(timeIntervalSince1970: seconds + Self.window + 60))
        return (tenant, user)
    }

    /// Exchanges a launch token (`base64url(json).base64url(hmac)`, ≤ 120 s, single use) for a
    /// session token valid 8 h.
    public func createSession(launchToken: String) async throws -> (token: String, expiresAt: Date, tenant: Int?, user: Int) {
        let parts = launchToken.split(separator: ".", omittingEmptySubsequences: false)
        // The MAC covers the first base64url part as sent (DESIGN §7), and nothing else.
        guard parts.count == 2, let mac = Base64URL.decode(parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(parts[0].utf8), using: keys.shared),
            let payload = Base64URL.decode(parts[0]),
            let json = try? JSONDecoder().decode(JSONValue.self, from: payload)
        else { throw Self.badLaunchToken("the launch token is not valid") }
        let now = clock.now().timeIntervalSince1970
        let issued = json["iat"]?.integerValue
        guard let exp = json["exp"]?.integerValue ?? issued.map({ $0 + Int(Self.launchTokenLifetime) }), Double(exp) > now,
            Double(exp) - now <= Self.launchTokenLifetime + 5
        else {
            throw Self.badLaunchToken("the launch token has expired (or lives longer than 120 s)")
        }
        if let iat = issued, Double(exp - iat) > Self.launchTokenLifetime {
            throw Self.badLaunchToken("launch tokens may live at most 120 s")
        }
        guard let user = (json["user"] ?? json["user_id"])?.integerValue ?? Int((json["user"] ?? json["user_id"])?.stringValue ?? ""),
            user > 0
        else { throw Self.badLaunchToken("the launch token names no user") }
        let tenantValue = json["tenant"] ?? json["tenant_id"]
        let tenant = tenantValue?.integerValue ?? Int(tenantValue?.stringValue ?? "")
        try await consumeNonce(of: mac, expires: Date(timeIntervalSince1970: Double(exp) + 60))
        let sessionID = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).hex
        let expiresAt = Date(timeIntervalSince1970: (now + Self.sessionLifetime).rounded(.down))
        try await sessions.create(StoredSession(id: sessionID, tenantID: tenant, userID: user), expiresAt: expiresAt)
        return (sessionToken(sessionID), expiresAt, tenant, user)
    }

    /// Resolves a bearer session token to its session id, tenant and user.
    public func verifySession(_ token: String) async throws -> (id: String, tenant: Int?, user: Int) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, LowercaseHex.bytes(of: parts[0], count: 16) != nil, let mac = Base64URL.decode(parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(parts[0].utf8), using: keys.key(for: .session))
        else { throw APIError(.unauthorized, code: .unauthorized, message: "invalid session token") }
        guard let session = try await sessions.find(id: String(parts[0])) else {
            throw APIError(.unauthorized, code: .unauthorized, message: "the session has expired or was revoked")
        }
        return (session.id, session.tenantID, session.userID)
    }

    func revokeSession(_ id: String) async throws {
        try await sessions.revoke(id: id)
    }

    /// The bearer token of a session: its id and the id's MAC with the session key.
    private func sessionToken(_ sessionID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(sessionID.utf8), using: keys.key(for: .session))
        return sessionID + "." + Base64URL.encode(Data(mac))
    }

    /// Records the MAC of a signature or launch token; a second use is a replay (401).
    private func consumeNonce(of mac: some Sequence<UInt8>, expires: Date) async throws {
        guard try await nonces.consume(mac.hex, expiresAt: expires) else {
            throw APIError(.unauthorized, code: .unauthorized, message: "this request was already used (replay)")
        }
    }

    private static func badLaunchToken(_ message: String) -> APIError {
        APIError(.unauthorized, code: .unauthorized, message: message)
    }
}

extension Sequence where Element == UInt8 {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension HashedAuthenticationCode {
    var hex: String { Data(self).hex }
}

extension SHA256Digest {
    var hex: String { Data(self).hex }
}
