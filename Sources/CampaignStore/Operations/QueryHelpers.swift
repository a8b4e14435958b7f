import Campaigns
import Foundation
import MariaDB

extension MariaDBRow {
    /// Decodes a column holding one of an enum's raw values.
    func decode<E: RawRepresentable>(_ column: String, as type: E.Type) throws -> E where E.RawValue == String {
        let raw = try decode(column, as: String.self)
        guard let value = E(rawValue: raw) else {
            throw MariaDBError.decoding(column: column, expected: "\(E.self)", found: "unknown value")
        }
        return value
    }

    /// Like `decode(_:as:)` for a nullable column.
    func decodeIfPresent<E: RawRepresentable>(_ column: String, as type: E.Type) throws -> E? where E.RawValue == String {
        guard let raw = try decode(column, as: String?.self) else { return nil }
        return E(rawValue: raw)
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE ? ESCAPE '\\'` search term and wraps it in `%…%`.
func likePattern(_ term: String) -> String {
    var escaped = ""
    for character in term {
        if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
        escaped.append(character)
    }
    return "%\(escaped)%"
}

extension MariaDBQueryable {
    /// One page of `SELECT * FROM table WHERE filter ORDER BY order` plus the total count.
    func page<Item: Sendable>(
        from table: SQLIdentifier, where filter: MariaDBQuery, orderBy order: SQLIdentifierList,
        page: PageRequest, map: (MariaDBRow) throws -> Item
    ) async throws -> Page<Item> {
        let total =
            try await queryFirst("SELECT COUNT(*) AS n FROM \(identifier: table) WHERE \(filter)")?
            .decode("n", as: Int.self) ?? 0
        let rows = try await query(
            "SELECT * FROM \(identifier: table) WHERE \(filter) ORDER BY \(order.query) LIMIT \(page.perPage) OFFSET \(page.offset)")
        return Page(items: try rows.map(map), total: total, page: page.page, perPage: page.perPage)
    }

    /// Whether a table exists in the current database (the one probe for optional tables).
    func tableExists(_ name: String) async throws -> Bool {
        try await queryFirst(
            "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \(name)"
        )?.decode("n", as: Int.self) == 1
    }

    /// Whether a table of the current database has a column (the one probe for optional columns).
    func columnExists(table: String, column: String) async throws -> Bool {
        try await queryFirst(
            """
            SELECT COUNT(*) AS n FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \(table) AND COLUMN_NAME = \(column)
            """
        )?.decode("n", as: Int.self) == 1
    }
}

/// An `ORDER BY` list written in code: column identifiers, each ascending or descending.
struct SQLIdentifierList: Sendable {
    enum Direction: String, Sendable {
        case ascending = ""
        case descending = " DESC"
    }
    let columns: [(SQLIdentifier, Direction)]

    init(_ columns: (SQLIdentifier, Direction)...) { self.columns = columns }

    var query: MariaDBQuery {
        MariaDBQuery.joined(columns.map { "\(identifier: $0.0)" + MariaDBQuery(stringLiteral: $0.1.rawValue) }, separator: ", ")
    }
}
