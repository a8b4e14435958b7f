import Foundation
import MariaDB

/// A statement as the `mariadb` command-line client takes it: its values written as SQL literals
/// in place of the placeholders (quoted text and identifiers left alone). The benches write the
/// statements they time this way, so Scripts/bench can time the same ones in the client.
/// For reading and timing only: the service itself always binds values.
public enum InlinedSQL {
    /// `query`'s text with every `?` outside quotes replaced by its value's literal.
    public static func text(of query: SQLQuery) -> String {
        var result = ""
        var binds = query.binds.makeIterator()
        var quote: Character?
        for character in query.sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
                continue
            }
            if character == "'" || character == "`" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                switch binds.next() ?? .null {
                case .null: result += "NULL"
                case .int(let value): result += String(value)
                case .uint(let value): result += String(value)
                case .double(let value): result += String(value)
                case .bool(let value): result += value ? "1" : "0"
                case .bytes(let bytes): result += "X'" + bytes.map { String(format: "%02x", $0) }.joined() + "'"
                case .string(let text):
                    result += "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
                case .date(let date): result += "'" + MariaDBDateFormat.format(date) + "'"
                }
            } else {
                result.append(character)
            }
        }
        return result
    }
}
