/// Normalizes recipient addresses: phone numbers to E.164 (`+` followed by 8–15 digits) and
/// email addresses to `local@domain` with a lower-cased domain.
///
/// The rules are deliberately simple and byte-oriented: a SQL expression elsewhere mirrors them
/// byte for byte, so any change here must be made there too.
///
/// Phone rules:
/// 1. Trim ASCII whitespace (space, `\t`, `\n`, `\r`, form feed, vertical tab) at both ends.
/// 2. Remove every space, tab, `-`, `.`, `(` and `)`.
/// 3. A leading `+` or `00` introduces an international number; anything else is a national
///    number, which needs ``defaultCountryCode`` and loses exactly one leading trunk `0`.
/// 4. The digits after the `+` must be 8...15 ASCII digits.
///
/// Email rules: trimmed, at most 254 characters, ASCII only, exactly one `@`, a local part of
/// 1–64 characters from the RFC 5322 "atext" set plus `.`, and a domain of at least two
/// `.`-separated labels of 1–63 letters, digits or `-` (not at either end of a label).
public struct AddressNormalizer: Sendable {
    /// The country calling code (digits only, without `+`) used for national phone numbers,
    /// or `nil` when national numbers are rejected.
    public let defaultCountryCode: String?

    /// Creates a normalizer.
    ///
    /// - Parameter defaultCountryCode: The country calling code for national numbers. A leading
    ///   `+` or `00` and surrounding whitespace are stripped; the code is kept only if what remains
    ///   is 1–4 ASCII digits, otherwise it is treated as `nil`.
    public init(defaultCountryCode: String?) {
        self.defaultCountryCode = Self.sanitizeCountryCode(defaultCountryCode)
    }

    /// Normalizes `raw` for `channel`: a phone number for SMS and WhatsApp, an email address for
    /// email. Returns `nil` when the address is not valid for the channel.
    public func normalize(_ raw: String?, for channel: Channel) -> String? {
        switch channel {
        case .sms, .whatsapp:
            return normalizePhone(raw)
        case .email:
            return Self.normalizeEmail(raw)
        }
    }

    /// Normalizes a phone number to E.164 (`+` and 8–15 digits), or returns `nil`.
    public func normalizePhone(_ raw: String?) -> String? {
        guard let raw else { return nil }
        var bytes = Self.trimASCIIWhitespace(Array(raw.utf8))
        bytes.removeAll { Self.phoneSeparators.contains($0) }

        let rest: [UInt8]
        if bytes.first == Self.plus {
            rest = Array(bytes.dropFirst())
        } else if bytes.starts(with: [Self.zero, Self.zero]) {
            rest = Array(bytes.dropFirst(2))
        } else {
            guard let countryCode = defaultCountryCode else { return nil }
            var national = bytes[...]
            if national.first == Self.zero {
                national = national.dropFirst()
            }
            rest = Array(countryCode.utf8) + national
        }

        guard (8...15).contains(rest.count), rest.allSatisfy(Self.isDigit) else { return nil }
        return "+" + String(decoding: rest, as: UTF8.self)
    }

    /// Validates an email address and returns it with its domain lower-cased (the local part
    /// keeps its case), or `nil` when it is not acceptable.
    public static func normalizeEmail(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let bytes = trimASCIIWhitespace(Array(raw.utf8))
        guard bytes.count <= 254, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }

        let parts = bytes.split(separator: at, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = parts[0]
        let domain = parts[1]

        guard (1...64).contains(local.count), local.allSatisfy(isLocalPartByte) else { return nil }

        let labels = domain.split(separator: dot, omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return nil }
        for label in labels {
            guard (1...63).contains(label.count),
                label.allSatisfy(isLabelByte),
                label.first != hyphen,
                label.last != hyphen
            else { return nil }
        }

        let lowerDomain = domain.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        return String(decoding: local, as: UTF8.self) + "@" + String(decoding: lowerDomain, as: UTF8.self)
    }

    // MARK: - Helpers

    private static let plus = UInt8(ascii: "+")
    private static let zero = UInt8(ascii: "0")
    private static let at = UInt8(ascii: "@")
    private static let dot = UInt8(ascii: ".")
    private static let hyphen = UInt8(ascii: "-")

    /// Space, tab, `-`, `.`, `(` and `)`.
    private static let phoneSeparators: Set<UInt8> = [0x20, 0x09, 0x2D, 0x2E, 0x28, 0x29]

    /// Space, `\t`, `\n`, `\r`, form feed and vertical tab.
    private static let asciiWhitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0C, 0x0B]

    /// The non-alphanumeric bytes allowed in an email local part.
    private static let localPartSymbols = Set(".!#$%&'*+/=?^_`{|}~-".utf8)

    /// The one country-code rule: a calling code given as `44`, `+44` or `0044` (whitespace
    /// around it ignored) becomes `44`; anything but 1–4 ASCII digits is no code (nil).
    public static func countryCode(_ raw: String?) -> String? { sanitizeCountryCode(raw) }

    static func sanitizeCountryCode(_ raw: String?) -> String? {
        guard let raw else { return nil }
        var bytes = trimASCIIWhitespace(Array(raw.utf8))
        if bytes.first == plus {
            bytes.removeFirst()
        } else if bytes.starts(with: [zero, zero]) {
            bytes.removeFirst(2)
        }
        bytes = trimASCIIWhitespace(bytes)
        guard (1...4).contains(bytes.count), bytes.allSatisfy(isDigit) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func trimASCIIWhitespace(_ bytes: [UInt8]) -> [UInt8] {
        guard let start = bytes.firstIndex(where: { !asciiWhitespace.contains($0) }),
            let end = bytes.lastIndex(where: { !asciiWhitespace.contains($0) })
        else { return [] }
        return Array(bytes[start...end])
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func isLocalPartByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || localPartSymbols.contains(byte)
    }

    private static func isLabelByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == hyphen
    }
}
