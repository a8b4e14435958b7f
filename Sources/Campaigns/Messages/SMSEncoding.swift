/// The character encoding an SMS is sent with.
public enum SMSCharset: String, Sendable, Codable {
    /// The GSM 03.38 7-bit default alphabet (with its extension table).
    case gsm7 = "GSM-7"
    /// UCS-2 / UTF-16, used as soon as one character is outside GSM-7.
    case ucs2 = "UCS-2"
}

/// The size of an SMS text: its encoding, length in encoding units, and segment count.
public struct SMSInfo: Sendable, Hashable, Codable {
    /// The encoding the text needs.
    public let encoding: SMSCharset
    /// GSM septets (extension-table characters count 2) or UTF-16 code units.
    public let units: Int
    /// The number of SMS segments (parts) the text is sent as; 0 for an empty text.
    public let segments: Int

    /// Creates an SMS size description.
    public init(encoding: SMSCharset, units: Int, segments: Int) {
        self.encoding = encoding
        self.units = units
        self.segments = segments
    }
}

/// Computes the encoding and segment count of SMS texts.
///
/// GSM-7: up to 160 septets fit one segment; longer texts are split into segments of at most
/// 153 septets, never splitting an escape sequence (extension-table character) between two.
/// UCS-2: up to 70 UTF-16 units fit one segment; longer texts are split into segments of at
/// most 67 units, never splitting a surrogate pair.
public enum SMSEncoding {
    /// Analyzes `text` and returns its encoding, size in units and number of segments.
    public static func analyze(_ text: String) -> SMSInfo {
        let scalars = text.unicodeScalars
        if scalars.allSatisfy({ gsmBasic.contains($0) || gsmExtension.contains($0) }) {
            let costs = scalars.map { gsmExtension.contains($0) ? 2 : 1 }
            return info(.gsm7, costs: costs, single: 160, multi: 153)
        }
        let costs = scalars.map { $0.utf16.count }
        return info(.ucs2, costs: costs, single: 70, multi: 67)
    }

    private static func info(_ encoding: SMSCharset, costs: [Int], single: Int, multi: Int) -> SMSInfo {
        let units = costs.reduce(0, +)
        let segments: Int
        if units == 0 {
            segments = 0
        } else if units <= single {
            segments = 1
        } else {
            var count = 1
            var used = 0
            for cost in costs {
                if used + cost > multi {
                    count += 1
                    used = 0
                }
                used += cost
            }
            segments = count
        }
        return SMSInfo(encoding: encoding, units: units, segments: segments)
    }

    /// The GSM 03.38 basic character set (127 characters; the escape code 0x1B is excluded).
    static let gsmBasic: Set<Unicode.Scalar> = Set(
        ("@\u{00A3}$\u{00A5}\u{00E8}\u{00E9}\u{00F9}\u{00EC}\u{00F2}\u{00C7}\n\u{00D8}\u{00F8}\r\u{00C5}\u{00E5}"
            + "\u{0394}_\u{03A6}\u{0393}\u{039B}\u{03A9}\u{03A0}\u{03A8}\u{03A3}\u{0398}\u{039E}"
            + "\u{00C6}\u{00E6}\u{00DF}\u{00C9}"
            + " !\"#\u{00A4}%&'()*+,-./0123456789:;<=>?"
            + "\u{00A1}ABCDEFGHIJKLMNOPQRSTUVWXYZ\u{00C4}\u{00D6}\u{00D1}\u{00DC}\u{00A7}"
            + "\u{00BF}abcdefghijklmnopqrstuvwxyz\u{00E4}\u{00F6}\u{00F1}\u{00FC}\u{00E0}").unicodeScalars
    )

    /// The GSM 03.38 extension table: characters sent as an escape plus one septet.
    static let gsmExtension: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|\u{20AC}".unicodeScalars)
}
