import Campaigns

/// Customers' phone numbers from Booknetic: the first line is the default country code, the rest
/// the number. A normalized number is E.164 and normalizes to itself with or without a country.
enum PhoneTarget {
    static func run(_ input: FuzzInput) {
        let fields = input.fields(2)
        let normalizer = AddressNormalizer(defaultCountryCode: fields[0])
        if let code = normalizer.defaultCountryCode {
            require((1...4).contains(code.utf8.count) && code.utf8.allSatisfy(isDigit), "country code '\(code)' kept")
        }
        let number = fields[1]
        let normalized = normalizer.normalizePhone(number)
        require(normalizer.normalize(number, for: .sms) == normalized, "the SMS channel normalizes '\(number)' differently")
        require(normalizer.normalize(number, for: .whatsapp) == normalized, "the WhatsApp channel normalizes '\(number)' differently")
        guard let normalized else { return }
        let digits = normalized.utf8.dropFirst()
        require(
            normalized.utf8.first == UInt8(ascii: "+") && (8...15).contains(digits.count) && digits.allSatisfy(isDigit),
            "'\(number)' normalized to '\(normalized)', which is not E.164")
        require(normalizer.normalizePhone(normalized) == normalized, "'\(normalized)' does not normalize to itself")
        require(
            AddressNormalizer(defaultCountryCode: nil).normalizePhone(normalized) == normalized,
            "'\(normalized)' does not normalize to itself without a country code")
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
}
