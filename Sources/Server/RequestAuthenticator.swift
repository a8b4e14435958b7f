import Campaigns
import Crypto
import Foundation

/// Verifies server-to-server signatures and browser sessions (DESIGN §7).
///
/// Signature: lowercase hex HMAC-SHA256(secret) over
/// `timestamp\nMETHOD\npath?query\ntenant\nuser\nhex(sha256(body))`, ±300 s, each signature
/// usable once (recorded in `{prefix}bkntc_campaign_nonces`, shared by replicas).
public struct RequestAuthenticator: Sendable {
    let nonces: any NonceStore
    let sessions: any SessionStore
    private let secretBytes: Data
    private let sessionKeyBytes: Data
    var secret: SymmetricKey { SymmetricKey(data: secretBytes) }
    var sessionKey: SymmetricKey { SymmetricKey(data: sessionKeyBytes) }
    let clock: any WallClock
    static let window: TimeInterval = 300
    static let launchTokenLifetime: TimeInterval = 120
    static let sessionLifetime: TimeInterval = 8 * 3600

    public init(nonces: any NonceStore, sessions: any SessionStore, secret: String, clock: any WallClock) {
        self.nonces = nonces
        self.sessions = sessions
        self.secretBytes = Data(secret.utf8)
        self.sessionKeyBytes = Data(
            HMAC<SHA256>.authenticationCode(
                for: Data("bkntc-campaigns session key v1".utf8), using: SymmetricKey(data: Data(secret.utf8))))
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
        guard let given = Data(hex: signature.lowercased()),
            HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: canonical, using: secret)
        else {
            throw APIError(.unauthorized, code: .unauthorized, message: "bad signature")
        }
        try await consumeNonce(signature.lowercased(), expires: Date(timeIntervalSince1970: seconds + Self.window + 60))
        return (tenant, user)
    }

    /// Exchanges a launch token (`base64url(json).base64url(hmac)`, ≤ 120 s, single use) for a
    /// session token valid 8 h.
    public func createSession(launchToken: String) async throws -> (token: String, expiresAt: Date, tenant: Int?, user: Int) {
        let parts = launchToken.split(separator: ".", omittingEmptySubsequences: false)
        // The MAC may cover the base64url text (JWT style) or the JSON bytes themselves.
        guard parts.count == 2, let mac = Data(base64URL: String(parts[1])),
            let payload = Data(base64URL: String(parts[0])),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(parts[0].utf8), using: secret)
                || HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: secret),
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
        try await consumeNonce(SHA256.hash(data: Data(launchToken.utf8)).hex, expires: Date(timeIntervalSince1970: Double(exp) + 60))
        let sessionID = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).hex
        let expiresAt = Date(timeIntervalSince1970: (now + Self.sessionLifetime).rounded(.down))
        try await sessions.create(StoredSession(id: sessionID, tenantID: tenant, userID: user), expiresAt: expiresAt)
        let token = "\(sessionID).\(Data(HMAC<SHA256>.authenticationCode(for: Data(sessionID.utf8), using: sessionKey)).base64URL)"
        return (token, expiresAt, tenant, user)
    }

    /// Resolves a bearer session token to its session id, tenant and user.
    public func verifySession(_ token: String) async throws -> (id: String, tenant: Int?, user: Int) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 32, let mac = Data(base64URL: String(parts[1])),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(parts[0].utf8), using: sessionKey)
        else { throw APIError(.unauthorized, code: .unauthorized, message: "invalid session token") }
        guard let session = try await sessions.find(id: String(parts[0])) else {
            throw APIError(.unauthorized, code: .unauthorized, message: "the session has expired or was revoked")
        }
        return (session.id, session.tenantID, session.userID)
    }

    func revokeSession(_ id: String) async throws {
        try await sessions.revoke(id: id)
    }

    /// Records a one-time value; a second use is a replay (401).
    private func consumeNonce(_ nonce: String, expires: Date) async throws {
        guard try await nonces.consume(nonce, expiresAt: expires) else { throw APIError(.unauthorized, code: .unauthorized, message: "this request was already used (replay)") }
    }

    private static func badLaunchToken(_ message: String) -> APIError {
        APIError(.unauthorized, code: .unauthorized, message: message)
    }
}

extension Sequence where Element == UInt8 {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension Data {
    init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }

    init?(base64URL: String) {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        self.init(base64Encoded: text)
    }

    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension HashedAuthenticationCode {
    var hex: String { Data(self).hex }
}

extension SHA256Digest {
    var hex: String { Data(self).hex }
}
