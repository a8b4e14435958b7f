import Foundation

/// A value bound to a `?` placeholder of a prepared statement.
public enum SQLValue: Sendable, Hashable {
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

/// A type that can be bound to a placeholder (interpolated into an `SQLQuery`).
public protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLBindable {
    public var sqlValue: SQLValue { self }
}
extension Int: SQLBindable {
    public var sqlValue: SQLValue { .int(Int64(self)) }
}
extension Int64: SQLBindable {
    public var sqlValue: SQLValue { .int(self) }
}
extension Int32: SQLBindable {
    public var sqlValue: SQLValue { .int(Int64(self)) }
}
extension UInt64: SQLBindable {
    public var sqlValue: SQLValue { .uint(self) }
}
extension Double: SQLBindable {
    public var sqlValue: SQLValue { .double(self) }
}
extension Bool: SQLBindable {
    public var sqlValue: SQLValue { .bool(self) }
}
extension String: SQLBindable {
    public var sqlValue: SQLValue { .string(self) }
}
extension Substring: SQLBindable {
    public var sqlValue: SQLValue { .string(String(self)) }
}
extension Data: SQLBindable {
    public var sqlValue: SQLValue { .bytes([UInt8](self)) }
}
extension Date: SQLBindable {
    public var sqlValue: SQLValue { .date(self) }
}
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue {
        switch self {
        case .none: .null
        case .some(let value): value.sqlValue
        }
    }
}

/// An enum bound by its contract name (its raw value): the one place each raw string lives.
public protocol ContractNameBindable: SQLBindable, RawRepresentable where RawValue == String {}

extension ContractNameBindable {
    public var sqlValue: SQLValue { .string(rawValue) }
}
