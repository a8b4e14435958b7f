import Campaigns
import Crypto
import Foundation

/// The token of an unsubscribe link (DESIGN §7, §13): base64url(JSON of tenant, channel, address,
/// campaign) + "." + base64url(HMAC-SHA256 over the first part with the key `ServiceKeys`
/// derives for unsubscribe links). Links minted before that key, MAC'd with `BKNTC_SECRET`
/// itself, are still read; new ones never are.
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
    public func encoded(keys: ServiceKeys) -> String {
        let payload = Payload(tenant: scope.tenantID, channel: channel.rawValue, address: address, campaign: campaignID)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = Base64URL.encode((try? encoder.encode(payload)) ?? Data())
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: keys.key(for: .unsubscribe))
        return body + "." + Base64URL.encode(Data(mac))
    }

    /// The signed token, with the keys derived from `secret`.
    public func encoded(secret: String) -> String {
        encoded(keys: ServiceKeys(secret: secret))
    }

    /// The longest token `decode` reads.
    static let maximumLength = 4096

    /// The token's contents, or nil when it is malformed, not spelled canonically, or MAC'd with
    /// neither the unsubscribe key nor (for links already in mailboxes) the secret itself.
    public static func decode(_ token: String, keys: ServiceKeys) -> UnsubscribeToken? {
        // Bounded, but above the longest token `encoded` makes: a 254-byte address of control
        // characters is 1,524 bytes of JSON escapes, about 2,100 characters of base64url
        // (Scripts/fuzz found a 2,048 cap refusing such a token).
        guard token.utf8.count <= Self.maximumLength else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let signature = Base64URL.decode(parts[1]) else { return nil }
        let body = Data(parts[0].utf8)
        guard
            [keys.key(for: .unsubscribe), keys.shared].contains(where: {
                HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: body, using: $0)
            }),
            let json = Base64URL.decode(parts[0]),
            let payload = try? JSONDecoder().decode(Payload.self, from: json),
            let channel = Channel(rawValue: payload.channel),
            !payload.address.isEmpty, payload.address.utf8.count <= 254
        else { return nil }
        return UnsubscribeToken(
            scope: TenantScope(storedTenantID: payload.tenant), channel: channel, address: payload.address, campaignID: payload.campaign)
    }

    /// The token's contents, read with the keys derived from `secret`.
    public static func decode(_ token: String, secret: String) -> UnsubscribeToken? {
        decode(token, keys: ServiceKeys(secret: secret))
    }
}
