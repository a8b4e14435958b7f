import Campaigns
import MariaDB

/// Rows of WordPress' `{prefix}options` read by name, where Booknetic keeps its settings.
struct WordPressOptions: Sendable {
    let table: SQLIdentifier

    init(prefix: TablePrefix) {
        table = prefix.wordpress("options")
    }

    /// The values of the options that exist (a NULL value counts as absent).
    func values(_ names: [String], on db: some MariaDBQueryable) async throws -> [String: String] {
        let rows = try await db.query(
            "SELECT option_name, option_value FROM \(identifier: table) WHERE option_name IN (\(list: names))")
        var values: [String: String] = [:]
        for row in rows { values[try row.decode("option_name")] = try row.decode("option_value", as: String?.self) }
        return values
    }

    /// A Booknetic setting's option names in precedence order: the tenant's own
    /// `bkntc_t<id>_<name>`, then the global `bkntc_<name>`.
    static func bookneticNames(_ name: String, scope: TenantScope) -> [String] {
        (scope.tenantID.map { ["bkntc_t\($0)_\(name)"] } ?? []) + ["bkntc_\(name)"]
    }
}
