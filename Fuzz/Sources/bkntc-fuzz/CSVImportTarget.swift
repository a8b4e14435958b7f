import Campaigns
import Server

/// The `csv` text of a suppression import: the first byte picks the channel (modulo 3: `0` SMS,
/// `1` WhatsApp, `2` email), the rest is the text. Every address kept is already normalized,
/// every rejected entry is cut to 100 characters, and the addresses kept, written one per line
/// (LF or CRLF) or comma- or semicolon-separated, import again as the same list.
enum CSVImportTarget {
    private static let normalizer = AddressNormalizer(defaultCountryCode: "44")

    static func run(_ input: FuzzInput) {
        guard let first = input.bytes.first else { return }
        let channel = Channel.allCases[Int(first) % Channel.allCases.count]
        let text = FuzzInput(Array(input.bytes.dropFirst())).text
        guard let parsed = try? SuppressionImport.parse(text, channel: channel, normalizer: normalizer) else { return }
        for address in parsed.addresses {
            require(normalizer.normalize(address, for: channel) == address, "imported address '\(address)' is not normalized")
        }
        for entry in parsed.invalid {
            require(entry.count <= 100 && !entry.isEmpty, "rejected entry '\(entry)' is empty or longer than 100 characters")
        }
        for separator in ["\n", "\r\n", ",", ";"] {
            let again = try? SuppressionImport.parse(parsed.addresses.joined(separator: separator), channel: channel, normalizer: normalizer)
            require(
                again?.addresses == parsed.addresses && again?.invalid == [],
                "\(parsed.addresses) joined by \(separator.debugDescription) import as \(again?.addresses ?? []), rejected \(again?.invalid ?? [])")
        }
    }
}
