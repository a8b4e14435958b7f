import Campaigns
import Foundation
import Messaging
import Testing

/// The comparisons of secret material (issue: reliability, security). Every MAC and signature
/// in Sources is checked either by CryptoKit's `isValidAuthenticationCode` (constant time) or
/// by `ConstantTime.equal`; these tests pin down that the latter is a correct equality on
/// equal, unequal and different-length inputs, and that the verifiers built on it accept
/// exactly the genuine value.
@Suite("Constant-time comparisons")
struct ConstantTimeTests {
    @Test func equalityIsExact() {
        let mac = Array("0123456789abcdef0123456789abcdef".utf8)
        #expect(ConstantTime.equal(mac, mac))
        #expect(ConstantTime.equal([], []))
        for index in mac.indices {
            var changed = mac
            changed[index] ^= 0x01
            #expect(!ConstantTime.equal(mac, changed), "a change at byte \(index)")
            #expect(!ConstantTime.equal(changed, mac), "a change at byte \(index), swapped")
        }
    }

    @Test func differentLengthsNeverMatch() {
        let mac: [UInt8] = [1, 2, 3, 4]
        #expect(!ConstantTime.equal(mac, [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], mac))
        #expect(!ConstantTime.equal(mac, mac + [0]), "a trailing zero is not padding")
        #expect(!ConstantTime.equal(mac + [0], mac))
        #expect(!ConstantTime.equal([], [0]))
        #expect(!ConstantTime.equal([0], []))
    }

    @Test func twilioSignaturesAcceptOnlyTheGenuineOne() {
        let url = "https://campaigns.example.com/webhooks/twilio/status"
        let form = [FormField("MessageSid", "SM1"), FormField("MessageStatus", "delivered")]
        let genuine = TwilioSignature.compute(authToken: "token-one", url: url, parameters: form)
        #expect(TwilioSignature.isValid(genuine, url: url, parameters: form, authTokens: ["other", "token-one"]))
        #expect(!TwilioSignature.isValid(genuine, url: url, parameters: form, authTokens: ["other"]))
        #expect(!TwilioSignature.isValid(genuine, url: url, parameters: form, authTokens: []))
        #expect(!TwilioSignature.isValid("", url: url, parameters: form, authTokens: ["token-one"]))
        #expect(!TwilioSignature.isValid(String(genuine.dropLast()), url: url, parameters: form, authTokens: ["token-one"]))
        #expect(!TwilioSignature.isValid(genuine + "=", url: url, parameters: form, authTokens: ["token-one"]))
    }

    @Test func unsubscribeTokensAcceptOnlyTheirOwnMAC() throws {
        let secret = "an-unsubscribe-secret-0123456789"
        let token = UnsubscribeToken(scope: .tenant(1), channel: .email, address: "ann@example.com", campaignID: 7).encoded(secret: secret)
        #expect(UnsubscribeToken.decode(token, secret: secret)?.address == "ann@example.com")
        #expect(UnsubscribeToken.decode(token, secret: secret + "x") == nil)
        let parts = token.split(separator: ".").map(String.init)
        let mac = try #require(Base64URL.decode(parts[1]))
        #expect(UnsubscribeToken.decode(parts[0] + "." + Base64URL.encode(mac.dropLast()), secret: secret) == nil, "a truncated MAC")
        #expect(UnsubscribeToken.decode(parts[0] + "." + Base64URL.encode(mac + [0]), secret: secret) == nil, "a padded MAC")
        #expect(UnsubscribeToken.decode(parts[0] + ".", secret: secret) == nil, "no MAC")
    }
}
