import Campaigns
import Messaging
import Testing

/// Unsubscribe tokens read back what they were made from (found by Scripts/fuzz, unsubscribe).
@Suite("Unsubscribe tokens")
struct UnsubscribeTokenTests {
    static let secret = "unsubscribe-test-secret-0123456789"

    /// A 254-byte address of control characters encodes to a token of about 2,100 characters
    /// (every byte a six-character JSON escape); a 2,048 cap on decoding refused it.
    @Test func theLongestAddressesComeBack() {
        for address in [String(repeating: "\u{0}", count: 254), String(repeating: "a", count: 254), "x"] {
            let token = UnsubscribeToken(scope: .tenant(7), channel: .whatsapp, address: address, campaignID: 42)
            let encoded = token.encoded(secret: Self.secret)
            #expect(UnsubscribeToken.decode(encoded, secret: Self.secret) == token, "\(encoded.count) characters")
            #expect(UnsubscribeToken.decode(encoded, secret: Self.secret + "x") == nil)
        }
        // Still bounded: a longer text is refused before it is parsed.
        #expect(UnsubscribeToken.decode(String(repeating: "A", count: 5000) + ".x", secret: Self.secret) == nil)
    }
}
