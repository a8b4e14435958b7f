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
