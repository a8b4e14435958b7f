/// A parameterized statement built by string interpolation: every interpolated value becomes a
/// bound `?`, so the placeholders and the values can never disagree.
///
/// ```swift
/// let query: MariaDBQuery = "SELECT * FROM \(identifier: table) WHERE id = \(id) AND status IN (\(list: statuses))"
/// ```
///
/// Only three things reach the SQL text itself: the literal segments, identifiers passed as
/// `\(identifier:)` (validated table or column names), and other queries (`\(query)`), whose
/// binds are appended in order. (postgres-nio's `PostgresQuery` is the model.)
public struct MariaDBQuery: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var sql: String
    public private(set) var binds: [MariaDBBind]

    public init(stringLiteral value: String) {
        self.sql = value
        self.binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.binds = stringInterpolation.binds
    }

    /// A query from text whose placeholders are already paired with `binds` (a compiled domain
    /// query). The counts are checked; a mismatch is an error, never a wrong statement.
    public init(compiled sql: String, binds: [MariaDBBind]) throws {
        let placeholders = Self.placeholderCount(sql)
        guard placeholders == binds.count else {
            throw MariaDBError.bindCountMismatch(expected: placeholders, got: binds.count, sql: sql)
        }
        self.sql = sql
        self.binds = binds
    }

    /// Appends another query's text and binds.
    public mutating func append(_ other: MariaDBQuery) {
        sql += other.sql
        binds += other.binds
    }

    public static func + (lhs: MariaDBQuery, rhs: MariaDBQuery) -> MariaDBQuery {
        var result = lhs
        result.append(rhs)
        return result
    }

    /// Joins queries with a separator (e.g. `", "` for multi-row VALUES, `" AND "` for conditions).
    public static func joined(_ parts: [MariaDBQuery], separator: String) -> MariaDBQuery {
        var result = MariaDBQuery(stringLiteral: "")
        for (index, part) in parts.enumerated() {
            if index > 0 { result.sql += separator }
            result.append(part)
        }
        return result
    }

    /// The statement text only (never the bound values).
    public var description: String { sql }

    /// Counts `?` outside quoted strings and identifiers.
    static func placeholderCount(_ sql: String) -> Int {
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

    /// Collects text and binds while the literal is interpolated.
    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var sql = ""
        var binds: [MariaDBBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 2)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        /// A bound value: appends `?`.
        public mutating func appendInterpolation(_ value: some MariaDBBindable) {
            sql += "?"
            binds.append(value.mariaDBBind)
        }

        /// A bound value or NULL.
        public mutating func appendInterpolation<Value: MariaDBBindable>(_ value: Value?) {
            sql += "?"
            binds.append(value?.mariaDBBind ?? .null)
        }

        /// `?, ?, …` for a list (for `IN (…)`); an empty list becomes `NULL`, which matches nothing.
        public mutating func appendInterpolation(list values: [some MariaDBBindable]) {
            if values.isEmpty {
                sql += "NULL"
                return
            }
            for (index, value) in values.enumerated() {
                if index > 0 { sql += ", " }
                sql += "?"
                binds.append(value.mariaDBBind)
            }
        }

        /// A table or column name, spliced as text (it must come from code, never from a request).
        public mutating func appendInterpolation(identifier: SQLIdentifier) { sql += identifier.text }

        /// Another query: its text and binds, in order.
        public mutating func appendInterpolation(_ query: MariaDBQuery) {
            sql += query.sql
            binds += query.binds
        }
    }
}

/// A table or column name that may be spliced into SQL text: letters, digits, `_` and `.`,
/// optionally in backquotes, so it can never carry a value or a quote.
public struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let text: String

    /// Fails for anything but `[A-Za-z0-9_.]`, 1–128 characters, optionally in backquotes.
    public init?(_ text: String) {
        var name = Substring(text)
        if name.hasPrefix("`"), name.hasSuffix("`"), name.count >= 2 { name = name.dropFirst().dropLast() }
        guard (1...128).contains(name.utf8.count), name.utf8.allSatisfy(Self.allowed) else { return nil }
        self.text = text
    }

    /// A name written in code. A literal that is not a valid identifier is a programming error
    /// caught by the first test that uses it; it becomes a harmless name that no table has.
    public init(stringLiteral value: String) {
        self.text = SQLIdentifier(value)?.text ?? "invalid_identifier"
    }

    public var description: String { text }

    private static func allowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default: false
        }
    }
}
