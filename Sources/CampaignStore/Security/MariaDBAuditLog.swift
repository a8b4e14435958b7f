import Campaigns
import Foundation
import MariaDB

/// Writes audit entries on a connection the caller holds, so an entry commits or rolls back with
/// the change it records (DESIGN §13).
public struct AuditWriter: Sendable {
    let table: SQLIdentifier

    public init(prefix: TablePrefix) {
        self.table = prefix.bkntc("campaign_audit")
    }

    /// Inserts `entry`; returns its id.
    @discardableResult
    public func write(_ db: some MariaDBQueryable, _ entry: AuditEntry) async throws -> Int {
        let at = Date(timeIntervalSince1970: entry.at.timeIntervalSince1970.rounded(.down))
        return try await db.execute(
            """
            INSERT INTO \(identifier: table) (tenant_id, tenant_key, at, user_id, action, object_type, object_id, channel, detail)
            VALUES (\(entry.scope.tenantID), \(entry.scope.key), \(at), \(entry.userID), \(entry.action.rawValue),
              \(entry.objectType.rawValue), \(entry.objectID), \(entry.channel), \(Self.json(entry.detail)))
            """
        ).lastInsertID
    }

    static func json(_ detail: [String: JSONValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(JSONValue.object(detail))) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// The audit trail in `{prefix}bkntc_campaign_audit`, newest first, with WordPress users' names.
public struct MariaDBAuditLog: AuditLog {
    let pool: MariaDBPool
    let writer: AuditWriter
    let users: SQLIdentifier

    public init(pool: MariaDBPool, prefix: TablePrefix) {
        self.pool = pool
        self.writer = AuditWriter(prefix: prefix)
        self.users = prefix.wordpress("users")
    }

    public func list(scope: TenantScope, query: AuditQuery, page: PageRequest) async throws -> Page<AuditEntryView> {
        let channels = Channel.allCases.filter(query.channels.contains)
        var filter: MariaDBQuery = "a.tenant_key = \(scope.key)"
        switch (channels.isEmpty, query.includeWithoutChannel) {
        case (true, false): return Page(items: [], total: 0, page: page.page, perPage: page.perPage)
        case (true, true): filter.append(" AND a.channel IS NULL")
        case (false, false): filter.append(" AND a.channel IN (\(list: channels))")
        case (false, true): filter.append(" AND (a.channel IN (\(list: channels)) OR a.channel IS NULL)")
        }
        if let type = query.objectType { filter.append(" AND a.object_type = \(type.rawValue)") }
        if let id = query.objectID { filter.append(" AND a.object_id = \(id)") }
        if let user = query.userID { filter.append(" AND a.user_id = \(user)") }
        let condition = filter
        return try await pool.withConnection { db in
            let total =
                try await db.queryFirst("SELECT COUNT(*) AS n FROM \(identifier: writer.table) a WHERE \(condition)")?
                .decode("n", as: Int.self) ?? 0
            let page = page
            let rows: [MariaDBRow]
            do {
                rows = try await db.query(
                    """
                    SELECT a.*, u.display_name FROM \(identifier: writer.table) a LEFT JOIN \(identifier: users) u ON u.ID = a.user_id
                    WHERE \(condition) ORDER BY a.id DESC LIMIT \(page.perPage) OFFSET \(page.offset)
                    """)
            } catch let error as MariaDBError where error.isMissingTable || error.is(.tableAccessDenied) || error.isUnknownColumn {
                // No readable WordPress users table: the entries without names.
                rows = try await db.query(
                    """
                    SELECT a.*, NULL AS display_name FROM \(identifier: writer.table) a
                    WHERE \(condition) ORDER BY a.id DESC LIMIT \(page.perPage) OFFSET \(page.offset)
                    """)
            }
            let items = try rows.map { row in
                AuditEntryView(entry: try Self.entry(row), userName: try row.decode("display_name", as: String?.self))
            }
            return Page(items: items, total: total, page: page.page, perPage: page.perPage)
        }
    }

    @discardableResult
    public func record(_ entry: AuditEntry) async throws -> Int {
        try await pool.withConnection { db in try await writer.write(db, entry) }
    }

    static func entry(_ row: MariaDBRow) throws -> AuditEntry {
        let detailText = try row.decode("detail", as: String?.self) ?? "{}"
        var detail: [String: JSONValue] = [:]
        if case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(detailText.utf8)) { detail = object }
        return AuditEntry(
            id: try row.decode("id"), at: try row.decode("at"), scope: TenantScope(storedTenantID: try row.decode("tenant_id")),
            userID: try row.decode("user_id"), action: try row.decode("action", as: AuditAction.self),
            objectType: try row.decode("object_type", as: AuditObjectType.self), objectID: try row.decode("object_id"),
            channel: try row.decodeIfPresent("channel", as: Channel.self), detail: detail)
    }
}
