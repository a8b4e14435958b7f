import Campaigns
import Foundation
import Messaging

/// Unsubscribe links. The input is decoded as a token (it must never crash, nor be accepted under
/// another secret), then its lines are a token's address, tenant and campaign: encoded and decoded
/// they come back the same when the address is 1–254 bytes, and otherwise not at all.
enum UnsubscribeTarget {
    private static let secret = "fuzzing-secret"

    static func run(_ input: FuzzInput) {
        let text = input.text
        if let decoded = UnsubscribeToken.decode(text, secret: secret) {
            require(!decoded.address.isEmpty && decoded.address.utf8.count <= 254, "accepted address \(decoded.address.debugDescription)")
            require(UnsubscribeToken.decode(text, secret: secret + "x") == nil, "a token verifies under two secrets")
        }

        let fields = input.fields(3)
        let channel = Channel.allCases[input.bytes.count % Channel.allCases.count]
        let token = UnsubscribeToken(
            scope: TenantScope(storedTenantID: Int(fields[1])), channel: channel, address: fields[0], campaignID: Int(fields[2]))
        let encoded = token.encoded(secret: secret)
        let decoded = UnsubscribeToken.decode(encoded, secret: secret)
        let acceptable = !token.address.isEmpty && token.address.utf8.count <= 254
        require(decoded == (acceptable ? token : nil), "\(token) came back as \(String(describing: decoded)) from \(encoded)")
        require(UnsubscribeToken.decode(encoded, secret: secret + "x") == nil, "a token verifies under another secret")
    }
}
