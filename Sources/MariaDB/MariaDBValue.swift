import Foundation

/// A value read from a result column.
public enum MariaDBValue: Sendable, Hashable {
    case null
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    /// Text columns (any non-binary character set), DECIMAL, TIME, JSON, ENUM.
    case string(String)
    /// Binary columns (BLOB, BINARY, VARBINARY, BIT).
    case bytes([UInt8])
    /// DATE, DATETIME and TIMESTAMP columns, read as UTC.
    case date(Date)

    /// A short type name for error messages (never the value itself).
    var kind: String {
        switch self {
        case .null: "NULL"
        case .int: "integer"
        case .uint: "unsigned integer"
        case .double: "double"
        case .string: "text"
        case .bytes: "bytes"
        case .date: "datetime"
        }
    }

    public var isNull: Bool { self == .null }
}
