import Foundation

/// The code of a short link `/r/{code}` (DESIGN §18): 8–12 base62 characters. New codes are 10
/// characters drawn from the system's CSPRNG (62^10 ≈ 8·10^17), so they cannot be guessed or
/// enumerated; the store still retries on the rare duplicate.
public enum ShortCode {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    /// The length of the codes minted.
    public static let length = 10

    /// A new random code.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return make(using: &generator)
    }

    /// A new code from `generator` (tests pass a seeded one to force duplicates).
    public static func make(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8](repeating: 0, count: length)
        for index in bytes.indices {
            bytes[index] = alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `text` could be a code: 8–12 characters of `[0-9A-Za-z]`. Anything else is not
    /// looked up at all.
    public static func isWellFormed(_ text: some StringProtocol) -> Bool {
        let utf8 = text.utf8
        return (8...12).contains(utf8.count) && utf8.allSatisfy(isBase62)
    }

    static func isBase62(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}

/// One tracked link of a message: its code and the original URL (after shortcodes).
public struct TrackedLink: Sendable, Hashable {
    public var code: String
    public var url: String

    public init(code: String, url: String) {
        self.code = code
        self.url = url
    }

    /// Whether `url` may be redirected to: an absolute http or https URL with a host, no white
    /// space or control characters (checked again at redirect time, whatever the table holds).
    public static func isRedirectable(_ url: String) -> Bool {
        guard url.utf8.count <= 8192, url.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return false }
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = lower.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = lower.dropFirst(7)
        } else {
            return false
        }
        guard let first = rest.first else { return false }
        return first != "/" && first != "?" && first != "#"
    }
}
