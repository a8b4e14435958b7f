import Crypto
import Foundation
import Messaging
import Testing

/// The keys derived from `BKNTC_SECRET` (DESIGN §13) and the one spelling of base64url.
@Suite("Derived keys and canonical base64url")
struct ServiceKeysTests {
    /// HKDF-SHA256 with an empty salt, the label as info, 32 bytes: the same bytes as PHP's
    /// `hash_hkdf('sha256', 'vector-secret-0123456789abcdef', 32, $label)` and Python's RFC 5869 code.
    @Test func keysAreHKDFOfTheSecretWithTheirLabel() {
        let keys = ServiceKeys(secret: "vector-secret-0123456789abcdef")
        let expected: [ServiceKeys.Purpose: String] = [
            .unsubscribe: "6c67e92749c2678d48683cbdc919457579c4c94d5df2925392a6688cd9a1e309",
            .tracking: "3491a854b060f5529a77a86b4ac99569458758baab79fe1e3fa2d30f81857b0d",
            .session: "7febe1f7dbb1a7cb71d06dba0ccb8b7ff9838c0f56afa5fdb3d6736da84a02fb",
        ]
        for purpose in ServiceKeys.Purpose.allCases {
            let bytes = keys.key(for: purpose).withUnsafeBytes { Array($0) }
            #expect(bytes.map { String(format: "%02x", $0) }.joined() == expected[purpose], "\(purpose)")
        }
        #expect(keys.shared.withUnsafeBytes { Array($0) } == Array("vector-secret-0123456789abcdef".utf8))
    }

    @Test func base64URLHasOneSpelling() {
        for length in 0...40 {
            let data = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            let text = Base64URL.encode(data)
            #expect(Base64URL.decode(text) == data)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        }
        let mac = Base64URL.encode(Data(repeating: 0xFB, count: 32))  // "-_v7…-_s" unpadded
        #expect(Base64URL.decode(mac) != nil)
        for respelled in [
            mac + "=", mac.replacingOccurrences(of: "-", with: "+"), " " + mac, mac + "\n", String(mac.dropLast()) + "x",
            String(mac.dropLast(2)),
        ] {
            #expect(Base64URL.decode(respelled) == nil, "\(respelled.debugDescription)")
        }
        #expect(Base64URL.decode("QQ") == Data("A".utf8))
        #expect(Base64URL.decode("QR") == nil, "stray bits after the last byte")
        #expect(Base64URL.decode("QQ==") == nil)
        #expect(Base64URL.decode("Q") == nil)
        #expect(Base64URL.decode("") == Data())
    }
}
