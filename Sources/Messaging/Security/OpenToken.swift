import Campaigns
import Crypto
import Foundation

/// The token of an email's open-tracking image `/t/o/{token}` (DESIGN §18, §13):
/// base64url(JSON of tenant and log row) + "." + base64url(HMAC-SHA256 over the first part with
/// the key `ServiceKeys` derives for tracking), unpadded and read canonically. No other kind of
/// token verifies with that key, and this one verifies with no other.
public struct OpenToken: Sendable, Hashable {
    public var scope: TenantScope
    public var logID: Int

    public init(scope: TenantScope, logID: Int) {
        self.scope = scope
        self.logID = logID
    }

    private struct Payload: Codable {
        var tenant: Int?
        var log: Int
    }

    /// The signed token.
    public func encoded(keys: ServiceKeys) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = Base64URL.encode((try? encoder.encode(Payload(tenant: scope.tenantID, log: logID))) ?? Data())
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: keys.key(for: .tracking))
        return body + "." + Base64URL.encode(Data(mac))
    }

    /// The token's contents, or nil when it is malformed, not spelled canonically or not MAC'd
    /// with the tracking key.
    public static func decode(_ token: String, keys: ServiceKeys) -> OpenToken? {
        guard token.utf8.count <= 256 else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let signature = Base64URL.decode(parts[1]), signature.count == 32,
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data(parts[0].utf8), using: keys.key(for: .tracking)),
            let json = Base64URL.decode(parts[0]), let payload = try? JSONDecoder().decode(Payload.self, from: json), payload.log > 0
        else { return nil }
        return OpenToken(scope: TenantScope(storedTenantID: payload.tenant), logID: payload.log)
    }
}
