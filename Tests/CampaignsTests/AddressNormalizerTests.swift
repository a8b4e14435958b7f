import Testing

@testable import Campaigns

/// One normalization case: input, expected output, and the configured country code.
struct AddressCase: Sendable, CustomTestStringConvertible {
    let input: String?
    let expected: String?
    let countryCode: String?

    init(_ input: String?, _ expected: String?, countryCode: String? = "44") {
        self.input = input
        self.expected = expected
        self.countryCode = countryCode
    }

    var testDescription: String {
        "\(input.map { String(reflecting: $0) } ?? "nil") → \(expected ?? "nil") (cc \(countryCode ?? "nil"))"
    }
}

@Suite("AddressNormalizer")
struct AddressNormalizerTests {
    static let phoneCases: [AddressCase] = [
        // International with "+"
        AddressCase("+447911123456", "+447911123456"),
        AddressCase("+44 7911 123456", "+447911123456"),
        AddressCase("+1 (555) 123-4567", "+15551234567"),
        AddressCase("+1.555.123.4567", "+15551234567"),
        AddressCase("+44 (0)7911 123456", "+4407911123456"),  // no cleverness: the (0) stays
        // International with "00"
        AddressCase("00447911123456", "+447911123456"),
        AddressCase("00 44 7911-123-456", "+447911123456"),
        AddressCase("007911123456", "+7911123456"),
        AddressCase("0012345678", "+12345678"),
        // National numbers with the default country code
        AddressCase("07911 123456", "+447911123456"),
        AddressCase("07911-123-456", "+447911123456"),
        AddressCase("(07911) 123.456", "+447911123456"),
        AddressCase("0 7911 123456", "+447911123456"),
        AddressCase("7911123456", "+447911123456"),
        AddressCase("1234567", "+441234567"),
        // Surrounding whitespace
        AddressCase("  +15551234567  ", "+15551234567"),
        AddressCase("\t+15551234567\r\n", "+15551234567"),
        AddressCase("\u{0B}\u{0C}+15551234567\u{0C}", "+15551234567"),
        // Length limits
        AddressCase("+1234567", nil),  // 7 digits
        AddressCase("+12345678", "+12345678"),  // 8 digits
        AddressCase("+123456789012345", "+123456789012345"),  // 15 digits
        AddressCase("+1234567890123456", nil),  // 16 digits
        AddressCase("555", nil),
        AddressCase("0", nil),
        // Garbage
        AddressCase("+44 7911 12345a", nil),
        AddressCase("abcdefghij", nil),
        AddressCase("++447911123456", nil),
        AddressCase("+", nil),
        AddressCase("00", nil),
        AddressCase("+44/7911123456", nil),
        AddressCase("+44 7911\n123456", nil),  // inner newline is not a removed separator
        AddressCase("+44\u{00A0}7911123456", nil),  // non-breaking space
        AddressCase("+\u{0664}\u{0664}7911123456", nil),  // Arabic-Indic digits
        AddressCase("", nil),
        AddressCase("   ", nil),
        AddressCase(nil, nil),
        // No country code configured
        AddressCase("07911123456", nil, countryCode: nil),
        AddressCase("7911123456", nil, countryCode: nil),
        AddressCase("+447911123456", "+447911123456", countryCode: nil),
        AddressCase("00447911123456", "+447911123456", countryCode: nil),
        // Country code given in other forms
        AddressCase("07911123456", "+447911123456", countryCode: "+44"),
        AddressCase("07911123456", "+447911123456", countryCode: "0044"),
        AddressCase("07911123456", "+447911123456", countryCode: " +44 "),
        AddressCase("07911123456", nil, countryCode: "garbage"),
        AddressCase("07911123456", nil, countryCode: "12345"),
        AddressCase("07911123456", nil, countryCode: ""),
        AddressCase("5551234567", "+15551234567", countryCode: "1"),
    ]

    static let emailCases: [AddressCase] = [
        AddressCase("user@example.com", "user@example.com"),
        AddressCase("John.Doe@Example.COM", "John.Doe@example.com"),
        AddressCase("user@sub.EXAMPLE.org", "user@sub.example.org"),
        AddressCase("  user@example.com \n", "user@example.com"),
        AddressCase("\tuser@example.com\r\n", "user@example.com"),
        AddressCase("o'brien+tag@mail.example.co.uk", "o'brien+tag@mail.example.co.uk"),
        AddressCase("a!#$%&'*+/=?^_`{|}~-z@example.com", "a!#$%&'*+/=?^_`{|}~-z@example.com"),
        AddressCase("user@exa-mple.com", "user@exa-mple.com"),
        AddressCase("user@123.456", "user@123.456"),
        AddressCase("user name@example.com", nil),
        AddressCase("user@exam ple.com", nil),
        AddressCase("a@b@example.com", nil),
        AddressCase("userexample.com", nil),
        AddressCase("user@localhost", nil),
        AddressCase("user@-example.com", nil),
        AddressCase("user@example-.com", nil),
        AddressCase("user@example..com", nil),
        AddressCase("user@.example.com", nil),
        AddressCase("user@example.com.", nil),
        AddressCase("user@example.c_m", nil),
        AddressCase("@example.com", nil),
        AddressCase("user@", nil),
        AddressCase("user(comment)@example.com", nil),
        AddressCase("us\u{00E9}r@example.com", nil),
        AddressCase("user@ex\u{00E4}mple.com", nil),
        AddressCase(String(repeating: "a", count: 64) + "@example.com", String(repeating: "a", count: 64) + "@example.com"),
        AddressCase(String(repeating: "a", count: 65) + "@example.com", nil),
        AddressCase("user@" + String(repeating: "d", count: 63) + ".com", "user@" + String(repeating: "d", count: 63) + ".com"),
        AddressCase("user@" + String(repeating: "d", count: 64) + ".com", nil),
        AddressCase("", nil),
        AddressCase("   ", nil),
        AddressCase(nil, nil),
    ]

    @Test("phone normalization", arguments: phoneCases)
    func phone(_ testCase: AddressCase) {
        let normalizer = AddressNormalizer(defaultCountryCode: testCase.countryCode)
        #expect(normalizer.normalizePhone(testCase.input) == testCase.expected)
    }

    @Test("email normalization", arguments: emailCases)
    func email(_ testCase: AddressCase) {
        #expect(AddressNormalizer.normalizeEmail(testCase.input) == testCase.expected)
    }

    @Test func emailTotalLengthLimit() {
        let local = String(repeating: "l", count: 64)
        let domain254 =
            String(repeating: "a", count: 63) + "." + String(repeating: "b", count: 63) + "."
            + String(repeating: "c", count: 61)
        let ok = local + "@" + domain254
        #expect(ok.utf8.count == 254)
        #expect(AddressNormalizer.normalizeEmail(ok) == ok)

        let tooLong = local + "@" + domain254 + "c"
        #expect(tooLong.utf8.count == 255)
        #expect(AddressNormalizer.normalizeEmail(tooLong) == nil)
    }

    @Test func countryCodeSanitizing() {
        #expect(AddressNormalizer(defaultCountryCode: "44").defaultCountryCode == "44")
        #expect(AddressNormalizer(defaultCountryCode: "+44").defaultCountryCode == "44")
        #expect(AddressNormalizer(defaultCountryCode: "0044").defaultCountryCode == "44")
        #expect(AddressNormalizer(defaultCountryCode: "  +1  ").defaultCountryCode == "1")
        #expect(AddressNormalizer(defaultCountryCode: "1264").defaultCountryCode == "1264")
        #expect(AddressNormalizer(defaultCountryCode: "12345").defaultCountryCode == nil)
        #expect(AddressNormalizer(defaultCountryCode: "4a").defaultCountryCode == nil)
        #expect(AddressNormalizer(defaultCountryCode: "UK").defaultCountryCode == nil)
        #expect(AddressNormalizer(defaultCountryCode: "+").defaultCountryCode == nil)
        #expect(AddressNormalizer(defaultCountryCode: "00").defaultCountryCode == nil)
        #expect(AddressNormalizer(defaultCountryCode: "").defaultCountryCode == nil)
        #expect(AddressNormalizer(defaultCountryCode: nil).defaultCountryCode == nil)
    }

    @Test func normalizeDispatchesByChannel() {
        let normalizer = AddressNormalizer(defaultCountryCode: "44")
        #expect(normalizer.normalize("07911 123456", for: .sms) == "+447911123456")
        #expect(normalizer.normalize("07911 123456", for: .whatsapp) == "+447911123456")
        #expect(normalizer.normalize("07911 123456", for: .email) == nil)
        #expect(normalizer.normalize("User@Example.com", for: .email) == "User@example.com")
        #expect(normalizer.normalize("User@Example.com", for: .sms) == nil)
        #expect(normalizer.normalize(nil, for: .whatsapp) == nil)
    }
}
