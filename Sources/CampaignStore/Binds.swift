import Campaigns
import Foundation
import MariaDB

extension SQLValue: MariaDBBindable {
    public var mariaDBBind: MariaDBBind {
        switch self {
        case .null: .null
        case .int(let value): .int(Int64(value))
        case .string(let value): .string(value)
        }
    }
}

extension MariaDBSession {
    /// Runs a compiled domain query.
    func query(_ query: SQLQuery) async throws -> [MariaDBRow] {
        try await self.query(query.sql, query.binds)
    }

    @discardableResult
    func execute(_ query: SQLQuery) async throws -> MariaDBExecResult {
        try await self.execute(query.sql, query.binds)
    }
}

/// The current time as `Y-m-d H:i:s` UTC (how the sidecar's DATETIME columns are written).
func utcNow(_ date: Date = Date()) -> String { MariaDBDateFormat.format(date) }

/// Escapes `%`, `_` and `\` for a `LIKE ? ESCAPE '\\'` search term and wraps it in `%…%`.
func likePattern(_ term: String) -> String {
    var escaped = ""
    for character in term {
        if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
        escaped.append(character)
    }
    return "%\(escaped)%"
}

extension MariaDBSession {
    /// One page of `SELECT * FROM table WHERE filter ORDER BY order` plus the total count.
    func page<Item: Sendable>(
        from table: String, where filter: String, _ binds: [any MariaDBBindable], orderBy order: String,
        page: PageRequest, map: (MariaDBRow) throws -> Item
    ) async throws -> Page<Item> {
        let total = try await queryFirst("SELECT COUNT(*) AS n FROM \(table) WHERE \(filter)", binds)?
            .decode("n", as: Int.self) ?? 0
        let rows = try await query(
            "SELECT * FROM \(table) WHERE \(filter) ORDER BY \(order) LIMIT ? OFFSET ?", binds + [page.perPage, page.offset])
        return Page(items: try rows.map(map), total: total, page: page.page, perPage: page.perPage)
    }
}
