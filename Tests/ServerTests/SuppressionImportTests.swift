import Campaigns
import Server
import Testing

/// The suppression import's reading of its `csv` text, without a server (found by Scripts/fuzz, csv).
@Suite("Suppression import text")
struct SuppressionImportTests {
    static let normalizer = AddressNormalizer(defaultCountryCode: "44")

    /// CRLF is one Swift Character, equal to neither "\r" nor "\n": Windows line ends used to
    /// glue every line of an import into one invalid entry.
    @Test func crlfLineEndsSeparateEntries() throws {
        let parsed = try SuppressionImport.parse("+33612345678\r\n+4930123456\r\n", channel: .sms, normalizer: Self.normalizer)
        #expect(parsed.addresses == ["+33612345678", "+4930123456"])
        #expect(parsed.invalid.isEmpty)
        let emails = try SuppressionImport.parse(
            "ann@example.com\r\n\"Bob@Example.ORG\"\r\nnot-an-email", channel: .email, normalizer: Self.normalizer)
        #expect(emails.addresses == ["ann@example.com", "Bob@example.org"])
        #expect(emails.invalid == ["not-an-email"])
    }

    @Test func everySeparatorAndQuoteIsRead() throws {
        let parsed = try SuppressionImport.parse(
            "'+44 7700 900111'\r07700 900112;\"0044 7700 900113\",call me\n", channel: .sms, normalizer: Self.normalizer)
        #expect(parsed.addresses == ["+447700900111", "+447700900112", "+447700900113"])
        #expect(parsed.invalid == ["call me"])
    }

    /// Found by the csv target (debug build, 10 s): white space the trimming did not know (a
    /// vertical tab) kept a quote inside the entry, so the import was not idempotent.
    @Test func whiteSpaceBeforeAQuoteIsTrimmedWithIt() throws {
        let first = try SuppressionImport.parse("\u{0B}'n@e.cQ\n", channel: .email, normalizer: Self.normalizer)
        #expect(first.addresses == ["n@e.cq"])
        let again = try SuppressionImport.parse(first.addresses.joined(separator: "\n"), channel: .email, normalizer: Self.normalizer)
        #expect(again.addresses == first.addresses)
        #expect(
            try SuppressionImport.parse("\u{0C} \"+44 7700 900111\" \u{0B}", channel: .sms, normalizer: Self.normalizer).addresses == [
                "+447700900111"
            ])
    }
}
