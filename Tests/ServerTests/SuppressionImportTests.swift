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
        let emails = try SuppressionImport.parse("ann@example.com\r\n\"Bob@Example.ORG\"\r\nnot-an-email", channel: .email, normalizer: Self.normalizer)
        #expect(emails.addresses == ["ann@example.com", "Bob@example.org"])
        #expect(emails.invalid == ["not-an-email"])
    }

    @Test func everySeparatorAndQuoteIsRead() throws {
        let parsed = try SuppressionImport.parse("'+44 7700 900111'\r07700 900112;\"0044 7700 900113\",call me\n", channel: .sms, normalizer: Self.normalizer)
        #expect(parsed.addresses == ["+447700900111", "+447700900112", "+447700900113"])
        #expect(parsed.invalid == ["call me"])
    }
}
