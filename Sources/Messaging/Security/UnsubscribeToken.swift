import Campaigns
import Crypto
import Foundation

/// The token of an unsubscribe link (DESIGN §7): base64url(JSON of tenant, channel, address,
/// campaign) + "." + base64url(HMAC-SHA256 with `BKNTC_SECRET` over the first part).
public struct UnsubscribeToken: Sendable, Hashable {
    public var scope: TenantScope
    public var channel: Channel
    public var address: String
    public var campaignID: Int?

    public init(scope: TenantScope, channel: Channel, address: String, campaignID: Int?) {
        self.scope = scope
        self.channel = channel
        self.address = address
        self.campaignID = campaignID
    }

    private struct Payload: Codable {
        var tenant: Int?
        var channel: String
        var address: String
        var campaign: Int?
    }

    /// The signed token.
    public func encoded(secret: String) -> String {
        let payload = Payload(tenant: scope.tenantID, channel: channel.rawValue, address: address, campaign: campaignID)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = Base64URL.encode((try? encoder.encode(payload)) ?? Data())
        return body + "." + Base64URL.encode(Self.mac(body, secret: secret))
    }

    /// The longest token `decode` reads.
    static let maximumLength = 4096

    /// The token's contents, or nil when it is malformed or not signed with `secret`.
    public static func decode(_ token: String, secret: String) -> UnsubscribeToken? {
        // Bounded, but above the longest token `encoded` makes: a 254-byte address of control
        // characters is 1,524 bytes of JSON escapes, about 2,100 characters of base64url
        // (Scripts/fuzz found a 2,048 cap refusing such a token).
        guard token.utf8.count <= Self.maximumLength else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let signature = Base64URL.decode(String(parts[1])) else { return nil }
        let body = String(parts[0])
        guard ConstantTime.equal(Array(mac(body, secret: secret)), Array(signature)),
            let json = Base64URL.decode(body),
            let payload = try? JSONDecoder().decode(Payload.self, from: json),
            let channel = Channel(rawValue: payload.channel),
            !payload.address.isEmpty, payload.address.utf8.count <= 254
        else { return nil }
        return UnsubscribeToken(
            scope: TenantScope(storedTenantID: payload.tenant), channel: channel, address: payload.address, campaignID: payload.campaign)
    }

    private static func mac(_ body: String, secret: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8))))
    }
}

/// base64url without padding (RFC 4648 §5).
public enum Base64URL {
    public static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
