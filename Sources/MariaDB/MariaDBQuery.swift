@_exported import SQL

/// The driver's name for the one query type (`SQLQuery` of the `SQL` module): string
/// interpolation that binds every value and splices only literals, `\(identifier:)` names and
/// other queries. The driver runs its `sql` as a prepared statement with `binds`.
public typealias MariaDBQuery = SQLQuery

/// A value bound to a `?` placeholder of a prepared statement.
public typealias MariaDBBind = SQLValue

/// A type that can be bound to a placeholder.
public typealias MariaDBBindable = SQLBindable

extension SQLQuery {
    /// A query from text whose placeholders are already paired with `binds` (a bulk loader's
    /// multi-row statement). The counts are checked; a mismatch is an error, never a wrong statement.
    public init(compiled sql: String, binds: [MariaDBBind]) throws {
        guard let query = SQLQuery(checked: sql, binds: binds) else {
            throw MariaDBError.bindCountMismatch(expected: SQLQuery.placeholderCount(sql), got: binds.count, sql: sql)
        }
        self = query
    }
}
