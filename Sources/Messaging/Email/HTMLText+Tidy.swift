import Foundation

/// Tidying the extracted text.
extension HTMLTextExtractor {
    /// Collapses spaces and tabs, trims lines, keeps at most one blank line in a row and trims.
    static func tidy(_ text: String) -> String {
        var lines: [String] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            // A no-break space is a space here (the scalar, as Foundation's literal replacement saw it).
            let spaced =
                rawLine.unicodeScalars.contains("\u{00A0}")
                ? Substring(String(String.UnicodeScalarView(rawLine.unicodeScalars.map { $0 == "\u{00A0}" ? " " : $0 }))) : rawLine
            let words = spaced.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let line = words.joined(separator: " ")
            if line.isEmpty && (lines.last?.isEmpty ?? true) {
                continue
            }
            lines.append(line)
        }
        while lines.last?.isEmpty == true {
            lines.removeLast()
        }
        return lines.joined(separator: "\n")
    }
}
