import Campaigns
import Foundation

/// Reads the `csv` text of a suppression import: addresses one per line or separated by
/// commas or semicolons, optionally quoted; each normalized for the channel.
/// Public so that the fuzzing harness in `Fuzz/` can reach it; the service is its only real caller.
public enum SuppressionImport {
    /// The most entries one import may hold.
    public static let maximumAddresses = 50_000

    /// What an import text holds.
    public struct Parsed: Sendable {
        /// Normalized addresses in input order (repeats included: the store counts them as duplicates).
        public var addresses: [String] = []
        /// Entries that are not addresses, cut to 100 characters.
        public var invalid: [String] = []
    }

    /// What is trimmed off each entry: every kind of white space, and quotes.
    static let padding = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\"'"))

    /// Splits and normalizes `text`; throws a validation error naming `csv` when it holds more
    /// than ``maximumAddresses`` entries.
    public static func parse(_ text: String, channel: Channel, normalizer: AddressNormalizer) throws -> Parsed {
        // CRLF is one Character in Swift, equal to neither "\r" nor "\n".
        let entries = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == "," || $0 == ";" })
        if entries.count > maximumAddresses {
            throw APIError.validation("csv", "at most \(maximumAddresses) addresses per import")
        }
        var parsed = Parsed()
        for entry in entries {
            // Quotes and every kind of white space around an entry (a vertical tab before a
            // quote once left `'n@e.cq` kept here and read as `n@e.cq` when imported again).
            let raw = entry.trimmingCharacters(in: Self.padding)
            if raw.isEmpty { continue }
            if let address = normalizer.normalize(raw, for: channel) {
                parsed.addresses.append(address)
            } else {
                parsed.invalid.append(String(raw.prefix(100)))
            }
        }
        return parsed
    }
}
