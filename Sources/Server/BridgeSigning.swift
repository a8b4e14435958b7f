import Crypto
import Foundation
import Messaging

/// What the WordPress bridge computes with the shared secret (DESIGN §7), for the tools that act
/// as the bridge: `bkntc-campaigns sign`, the scripts and the test harnesses that call it. The
/// same vectors as the bridge's PHP check it (`Tests/Vectors/signing.json`).
public enum BridgeSigning {
    /// The four headers of a signed request, in the order the bridge sends them.
    public static func headers(
        secret: String, method: String, pathAndQuery: String, tenant: String, user: String, body: Data, timestamp: Int
    ) -> [(name: String, value: String)] {
        let signature = RequestAuthenticator.signature(
            secret: secret, timestamp: String(timestamp), method: method, pathAndQuery: pathAndQuery, tenant: tenant,
            user: user, body: body)
        return [
            ("X-Bkntc-Timestamp", String(timestamp)), ("X-Bkntc-Tenant", tenant), ("X-Bkntc-User", user),
            ("X-Bkntc-Signature", signature),
        ]
    }

    /// A launch token as the bridge mints it: `base64url(json).base64url(hmac)`, the JSON spelled
    /// `{"user":…,"tenant":…|null,"iat":…,"exp":…,"nonce":"…"}`.
    public static func launchToken(
        secret: String, tenant: Int?, user: Int, issuedAt: Int, lifetime: Int = 120, nonce: String = randomNonce()
    ) -> String {
        let json =
            #"{"user":\#(user),"tenant":\#(tenant.map(String.init) ?? "null"),"iat":\#(issuedAt),"exp":\#(issuedAt + lifetime),"nonce":"\#(nonce)"}"#
        let part = Base64URL.encode(Data(json.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: ServiceKeys(secret: secret).shared)
        return part + "." + Base64URL.encode(Data(mac))
    }

    /// 12 random bytes in base64url, as the bridge's nonce.
    public static func randomNonce() -> String {
        Base64URL.encode(Data((0..<12).map { _ in UInt8.random(in: 0...255) }))
    }
}
