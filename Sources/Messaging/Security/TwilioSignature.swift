import Crypto
import Foundation

/// `X-Twilio-Signature` (DESIGN §7): base64 of HMAC-SHA1 with the account's auth token over
/// the full URL followed by each POST parameter's name and value, sorted by name.
public enum TwilioSignature {
    /// The signature Twilio computes for `url` and `parameters`.
    public static func compute(authToken: String, url: String, parameters: [FormField]) -> String {
        var payload = url
        // Sorted by name; Twilio's reference implementations keep a stable order for equal names.
        for field in parameters.enumerated().sorted(by: { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) }) {
            payload += field.element.name + field.element.value
        }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Whether `signature` is valid for any of `authTokens` (compared in constant time).
    public static func isValid(_ signature: String, url: String, parameters: [FormField], authTokens: [String]) -> Bool {
        guard !signature.isEmpty else { return false }
        var valid = false
        for token in authTokens {
            let expected = compute(authToken: token, url: url, parameters: parameters)
            if ConstantTime.equal(Array(expected.utf8), Array(signature.utf8)) { valid = true }
        }
        return valid
    }
}

/// Comparisons of secrets that take the same time whatever the bytes.
public enum ConstantTime {
    public static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
