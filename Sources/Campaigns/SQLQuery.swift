import Foundation

/// A value bound to a `?` placeholder; the domain's own type so it needs no database driver.
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int)
    case string(String)
    case date(Date)
}

/// Parameterized SQL: text with `?` placeholders and the values for them, in order.
/// Only table names (validated prefixes) and constant keywords are ever spliced into `sql`.
public struct SQLQuery: Sendable, Hashable {
    public var sql: String
    public var binds: [SQLValue]

    public init(_ sql: String, _ binds: [SQLValue] = []) {
        self.sql = sql
        self.binds = binds
    }
}

/// Builds SQL text and its binds together, so placeholders and values stay in the same order.
struct SQLBuilder {
    private(set) var sql = ""
    private(set) var binds: [SQLValue] = []

    /// Appends constant SQL text.
    mutating func append(_ text: String) { sql += text }

    /// Appends a placeholder for `value`.
    mutating func bind(_ value: SQLValue) { sql += "?"; binds.append(value) }

    /// Appends `?, ?, …` for the values.
    mutating func bindList(_ values: [SQLValue]) {
        for (index, value) in values.enumerated() {
            if index > 0 { sql += ", " }
            bind(value)
        }
    }

    /// Appends another query's text and binds.
    mutating func append(_ query: SQLQuery) {
        sql += query.sql
        binds += query.binds
    }

    /// The rows of `alias` that belong to `scope` (a single site stores NULL or 0).
    mutating func appendTenantCondition(_ alias: String, _ scope: TenantScope) {
        switch scope {
        case .singleSite:
            append("(\(alias).tenant_id IS NULL OR \(alias).tenant_id = 0)")
        case .tenant(let id):
            append("\(alias).tenant_id = ")
            bind(.int(id))
        }
    }

    var query: SQLQuery { SQLQuery(sql, binds) }
}
