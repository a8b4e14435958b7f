import Foundation

/// Splits a trusted SQL file into statements: on `;` at the end of a statement, outside quotes
/// and comments. Comment-only fragments are dropped.
public enum SQLScript {
    public static func statements(in sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var quote: Character?
        var lineComment = false
        var previous: Character = " "
        for character in sql {
            if lineComment {
                if character == "\n" {
                    lineComment = false
                    current.append(character)
                }
                previous = character
                continue
            }
            if let open = quote {
                current.append(character)
                if character == open && previous != "\\" { quote = nil }
                previous = character
                continue
            }
            switch character {
            case "'", "\"", "`":
                quote = character
                current.append(character)
            case "-" where previous == "-":
                current.removeLast()
                lineComment = true
            case ";":
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { statements.append(statement) }
                current = ""
            default:
                current.append(character)
            }
            previous = character
        }
        let tail = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !tail.isEmpty { statements.append(tail) }
        return statements
    }
}
