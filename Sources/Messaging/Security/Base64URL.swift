import Foundation

/// base64url without padding (RFC 4648 §5), read canonically: one value has exactly one
/// spelling, so a token or MAC can never be re-spelled into a "new" one (DESIGN §13).
public enum Base64URL {
    /// The unpadded base64url text of `data`.
    public static func encode(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The bytes of canonical unpadded base64url text; nil for anything else: padding, `+`, `/`,
    /// white space, a length no encoding has, or unused trailing bits that are not zero.
    public static func decode(_ text: some StringProtocol) -> Data? {
        let utf8 = text.utf8
        guard utf8.count % 4 != 1, utf8.allSatisfy(isAlphabet) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - utf8.count % 4) % 4)
        // Re-encoding tells a canonical spelling from one whose last character carries stray bits.
        guard let data = Data(base64Encoded: base64), encode(data).utf8.elementsEqual(utf8) else { return nil }
        return data
    }

    private static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
