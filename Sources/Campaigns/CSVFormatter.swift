/// Formats CSV cells and rows (RFC 4180) for exports that are opened in spreadsheets.
///
/// Cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'` so spreadsheets do not
/// evaluate them as formulas; cells containing `,`, `"`, CR or LF are quoted with inner quotes
/// doubled. Rows are joined with `,` and terminated by CRLF.
public enum CSVFormatter {
    /// The UTF-8 byte order mark, written first so spreadsheets detect the encoding.
    public static let byteOrderMark = "\u{FEFF}"

    /// Formats one cell; `nil` becomes an empty cell.
    public static func cell(_ value: String?) -> String {
        guard let value, let first = value.unicodeScalars.first else { return "" }
        var text = value
        if formulaTriggers.contains(first) {
            text = "'" + text
        }
        if text.unicodeScalars.contains(where: { quoteTriggers.contains($0) }) {
            var quoted = String.UnicodeScalarView()
            quoted.append("\"")
            for scalar in text.unicodeScalars {
                if scalar == "\"" {
                    quoted.append("\"")
                }
                quoted.append(scalar)
            }
            quoted.append("\"")
            return String(quoted)
        }
        return text
    }

    /// Formats a row: the cells joined by `,`, followed by `"\r\n"`.
    public static func row(_ values: [String?]) -> String {
        values.map(cell).joined(separator: ",") + "\r\n"
    }

    private static let formulaTriggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    private static let quoteTriggers: Set<Unicode.Scalar> = [",", "\"", "\r", "\n"]
}
