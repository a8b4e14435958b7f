import Foundation

/// A value bound to a `?` placeholder of a prepared statement.
public enum MariaDBBind: Sendable, Hashable {
    case null
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case bytes([UInt8])
    /// A point in time, sent as a UTC `DATETIME`.
    case date(Date)
}

/// A type that can be bound to a placeholder.
public protocol MariaDBBindable: Sendable {
    var mariaDBBind: MariaDBBind { get }
}

extension MariaDBBind: MariaDBBindable {
    public var mariaDBBind: MariaDBBind { self }
}
extension Int: MariaDBBindable {
    public var mariaDBBind: MariaDBBind { .int(Int64(self)) }
}
extension Int64: MariaDBBindable {
    public var mariaDBBind: MariaDBBind { .int(self) }
}
extension Int32: MariaDBBindable {
    public var mariaDBBind: MariaDBBind { .int(Int64(self)) }
}
extension UInt64: MariaDBBindable {
    public var mariaDBBind: MariaDBBind { .uint(self) }
}
extension Double: MariaDBBindable {
    public var mariaDBBind: MariaDBBind { .double(self) }
}
extension Bool: MariaDBBindable {
    public var mariaDBBind: MariaDBBind { .bool(self) }
}
extension String: MariaDBBindable {
    public var mariaDBBind: MariaDBBind { .string(self) }
}
extension Substring: MariaDBBindable {
    public var mariaDBBind: MariaDBBind { .string(String(self)) }
}
extension Data: MariaDBBindable {
    public var mariaDBBind: MariaDBBind { .bytes([UInt8](self)) }
}
extension Date: MariaDBBindable {
    public var mariaDBBind: MariaDBBind { .date(self) }
}
extension Optional: MariaDBBindable where Wrapped: MariaDBBindable {
    public var mariaDBBind: MariaDBBind {
        switch self {
        case .none: .null
        case .some(let value): value.mariaDBBind
        }
    }
}

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
