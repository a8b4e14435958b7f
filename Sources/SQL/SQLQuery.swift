/// A parameterized statement built by string interpolation: every interpolated value becomes a
/// bound `?`, so the placeholders and the values can never disagree.
///
/// ```swift
/// let query: SQLQuery = "SELECT * FROM \(identifier: table) WHERE id = \(id) AND status IN (\(list: statuses))"
/// ```
///
/// Only three things reach the SQL text itself: the literal segments, identifiers passed as
/// `\(identifier:)` (validated table or column names), and other queries (`\(query)`), whose
/// binds are appended in order. (postgres-nio's `PostgresQuery` is the model.)
///
/// The domain builds queries as values with it and the driver (`MariaDB`, where it is also
/// called `MariaDBQuery`) runs them as prepared statements, so one type crosses the boundary.
public struct SQLQuery: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var sql: String
    public private(set) var binds: [SQLValue]

    public init(stringLiteral value: String) {
        self.sql = value
        self.binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.binds = stringInterpolation.binds
    }

    /// A query from text whose `?` placeholders are already paired with `binds`, in order (a
    /// bulk loader's multi-row statement). Nil when the counts differ: a mismatch never becomes
    /// a statement.
    public init?(checked sql: String, binds: [SQLValue]) {
        guard Self.placeholderCount(sql) == binds.count else { return nil }
        self.sql = sql
        self.binds = binds
    }

    /// Counts `?` outside quoted strings and identifiers.
    public static func placeholderCount(_ sql: String) -> Int {
        var count = 0
        var quote: UInt8?
        var escaped = false
        for byte in sql.utf8 {
            if let open = quote {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == open { quote = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"): quote = byte
            case UInt8(ascii: "?"): count += 1
            default: break
            }
        }
        return count
    }

    /// Appends another query's text and binds.
    public mutating func append(_ other: SQLQuery) {
        sql += other.sql
        binds += other.binds
    }

    public static func + (lhs: SQLQuery, rhs: SQLQuery) -> SQLQuery {
        var result = lhs
        result.append(rhs)
        return result
    }

    /// Joins queries with a separator (e.g. `", "` for multi-row VALUES, `" AND "` for conditions).
    public static func joined(_ parts: [SQLQuery], separator: String) -> SQLQuery {
        var result = SQLQuery(stringLiteral: "")
        for (index, part) in parts.enumerated() {
            if index > 0 { result.sql += separator }
            result.append(part)
        }
        return result
    }

    /// The statement text only (never the bound values).
    public var description: String { sql }

    /// Collects text and binds while the literal is interpolated.
    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var sql = ""
        var binds: [SQLValue] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 2)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        /// A bound value: appends `?`.
        public mutating func appendInterpolation(_ value: some SQLBindable) {
            sql += "?"
            binds.append(value.sqlValue)
        }

        /// A bound value or NULL.
        public mutating func appendInterpolation<Value: SQLBindable>(_ value: Value?) {
            sql += "?"
            binds.append(value?.sqlValue ?? .null)
        }

        /// `?, ?, …` for a list (for `IN (…)`); an empty list becomes `NULL`, which matches nothing.
        public mutating func appendInterpolation(list values: [some SQLBindable]) {
            if values.isEmpty {
                sql += "NULL"
                return
            }
            for (index, value) in values.enumerated() {
                if index > 0 { sql += ", " }
                sql += "?"
                binds.append(value.sqlValue)
            }
        }

        /// A table or column name, spliced as text (it must come from code, never from a request).
        public mutating func appendInterpolation(identifier: SQLIdentifier) { sql += identifier.text }

        /// Another query: its text and binds, in order.
        public mutating func appendInterpolation(_ query: SQLQuery) {
            sql += query.sql
            binds += query.binds
        }
    }
}
