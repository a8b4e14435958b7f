import Campaigns
import Crypto
import Foundation
import Messaging
import Testing

/// The open image's token (DESIGN §18, §13): read back with the tracking key only, in its one
/// canonical spelling.
@Suite("Open tokens")
struct OpenTokenTests {
    static let keys = ServiceKeys(secret: "open-token-test-secret-0123456789")

    @Test func aTokenReadsBackAndNoOtherKeyOrSpellingDoes() {
        for token in [OpenToken(scope: .tenant(7), logID: 42), OpenToken(scope: .singleSite, logID: 1)] {
            let encoded = token.encoded(keys: Self.keys)
            #expect(OpenToken.decode(encoded, keys: Self.keys) == token)
            #expect(OpenToken.decode(encoded, keys: ServiceKeys(secret: "another-secret-0123456789-abcdef")) == nil)
            #expect(OpenToken.decode(encoded + "=", keys: Self.keys) == nil, "padding")
            #expect(OpenToken.decode(encoded.replacingOccurrences(of: "-", with: "+"), keys: Self.keys) == nil || !encoded.contains("-"))
            // The same body MAC'd with the unsubscribe key (another kind of token) is refused.
            let body = String(encoded.split(separator: ".")[0])
            let foreign = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: Self.keys.key(for: .unsubscribe))
            #expect(OpenToken.decode(body + "." + Base64URL.encode(Data(foreign)), keys: Self.keys) == nil)
            let shared = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: Self.keys.shared)
            #expect(OpenToken.decode(body + "." + Base64URL.encode(Data(shared)), keys: Self.keys) == nil)
        }
        #expect(OpenToken.decode("x.y", keys: Self.keys) == nil)
        #expect(OpenToken.decode(String(repeating: "A", count: 300), keys: Self.keys) == nil)
    }
}
