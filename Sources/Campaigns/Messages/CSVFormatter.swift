/// Formats CSV cells and rows (RFC 4180) for exports that are opened in spreadsheets (DESIGN §13).
///
/// Cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'` so spreadsheets do not
/// evaluate them as formulas; cells containing `,`, `;`, `|`, `"`, CR or LF are quoted with inner
/// quotes doubled. Rows are joined with `,` and terminated by CRLF.
///
/// A spreadsheet whose list separator is `;` or `|` (or that reads tab-separated text) honours
/// the quotes only where its own fields begin, so it splits such a cell at the separator or line
/// break inside it; whatever follows one of those therefore gets a `'` too when it would start a
/// formula (`Ann;=1+1` is written `"Ann;'=1+1"`), and every field, however split, starts with data.
public enum CSVFormatter {
    /// The UTF-8 byte order mark, written first so spreadsheets detect the encoding.
    public static let byteOrderMark = "\u{FEFF}"

    /// Formats one cell; `nil` becomes an empty cell.
    public static func cell(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "" }
        let text = neutralized(value)
        guard text.contains(where: { quoteTriggers.contains($0) }) else { return String(text) }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in text {
            if scalar == "\"" {
                quoted.append("\"")
            }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }

    /// Formats a row: the cells joined by `,`, followed by `"\r\n"`.
    public static func row(_ values: [String?]) -> String {
        values.map(cell).joined(separator: ",") + "\r\n"
    }

    /// `value` with a `'` before every formula trigger that starts it or follows a separator or
    /// line break (quotes in between do not count: a spreadsheet drops them).
    private static func neutralized(_ value: String) -> String.UnicodeScalarView {
        var text = String.UnicodeScalarView()
        var startsField = true
        for scalar in value.unicodeScalars {
            if startsField && formulaTriggers.contains(scalar) {
                text.append("'")
            }
            text.append(scalar)
            if fieldBreaks.contains(scalar) {
                startsField = true
            } else if scalar != "\"" {
                startsField = false
            }
        }
        return text
    }

    private static let formulaTriggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    private static let quoteTriggers: Set<Unicode.Scalar> = [",", ";", "|", "\"", "\r", "\n"]
    /// Where a spreadsheet with another list separator may start a new field or record.
    private static let fieldBreaks: Set<Unicode.Scalar> = [",", ";", "|", "\t", "\r", "\n"]
}
