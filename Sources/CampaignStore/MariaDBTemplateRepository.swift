import Campaigns
import Foundation
import MariaDB

/// Built-in templates (tenant_key 0, is_builtin 1, shared) and each tenant's custom templates.
public struct MariaDBTemplateRepository: TemplateRepository {
    let pool: MariaDBPool
    let table: String

    public init(pool: MariaDBPool, prefix: TablePrefix) {
        self.pool = pool
        self.table = prefix.bkntc("campaign_templates")
    }

    /// Rows this tenant may see: the built-ins plus its own.
    private let visible = "(is_builtin = 1 OR (is_builtin = 0 AND tenant_key = ?))"

    public func list(scope: TenantScope, channels: Set<Channel>, search: String?, page: PageRequest) async throws
        -> Page<MessageTemplate>
    {
        let wanted = Channel.allCases.filter(channels.contains)
        if wanted.isEmpty { return Page(items: [], total: 0, page: page.page, perPage: page.perPage) }
        var conditions = visible + " AND channel IN (\(wanted.map { _ in "?" }.joined(separator: ", ")))"
        var binds: [any MariaDBBindable] = [scope.key] + wanted.map(\.rawValue)
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            conditions += " AND (name LIKE ? ESCAPE '\\\\' OR body LIKE ? ESCAPE '\\\\')"
            binds += [likePattern(search), likePattern(search)]
        }
        let filter = conditions
        let filterBinds = binds
        return try await pool.withConnection { db in
            try await db.page(
                from: table, where: filter, filterBinds, orderBy: "is_builtin DESC, channel, id", page: page, map: Self.template)
        }
    }

    public func get(scope: TenantScope, id: Int) async throws -> MessageTemplate? {
        try await pool.withConnection { db in
            try await db.queryFirst("SELECT * FROM \(table) WHERE id = ? AND \(visible)", [id, scope.key]).map(Self.template)
        }
    }

    public func create(scope: TenantScope, draft: TemplateDraft) async throws -> MessageTemplate {
        let id = try await pool.withConnection { db in
            do {
                return try await db.execute(
                    """
                    INSERT INTO \(table) (tenant_id, tenant_key, channel, name, subject, body, is_builtin, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, 0, UTC_TIMESTAMP(), UTC_TIMESTAMP())
                    """, [scope.tenantID, scope.key, draft.channel.rawValue, draft.name, draft.subject, draft.body]
                ).lastInsertID
            } catch let error as MariaDBError where error.isDuplicateKey {
                throw Self.nameTaken(draft)
            }
        }
        guard let template = try await get(scope: scope, id: id) else { throw DomainError.notFound("template") }
        return template
    }

    public func update(scope: TenantScope, id: Int, draft: TemplateDraft) async throws -> MessageTemplate {
        guard let existing = try await get(scope: scope, id: id) else { throw DomainError.notFound("template") }
        if existing.isBuiltin { throw Self.builtinReadOnly }
        try await pool.withConnection { db in
            do {
                try await db.execute(
                    """
                    UPDATE \(table) SET channel = ?, name = ?, subject = ?, body = ?, updated_at = UTC_TIMESTAMP()
                    WHERE id = ? AND tenant_key = ? AND is_builtin = 0
                    """, [draft.channel.rawValue, draft.name, draft.subject, draft.body, id, scope.key])
            } catch let error as MariaDBError where error.isDuplicateKey {
                throw Self.nameTaken(draft)
            }
        }
        guard let template = try await get(scope: scope, id: id) else { throw DomainError.notFound("template") }
        return template
    }

    public func delete(scope: TenantScope, id: Int) async throws {
        guard let existing = try await get(scope: scope, id: id) else { throw DomainError.notFound("template") }
        if existing.isBuiltin { throw Self.builtinReadOnly }
        try await pool.withConnection { db in
            try await db.execute("DELETE FROM \(table) WHERE id = ? AND tenant_key = ? AND is_builtin = 0", [id, scope.key])
        }
    }

    static let builtinReadOnly = DomainError.conflict(
        code: "template_builtin", message: "built-in templates are read-only; create your own copy instead")

    static func nameTaken(_ draft: TemplateDraft) -> DomainError {
        .conflict(code: "template_name_taken", message: "a \(draft.channel.rawValue) template named '\(draft.name)' already exists")
    }

    static func template(_ row: MariaDBRow) throws -> MessageTemplate {
        guard let channel = Channel(rawValue: try row.decode("channel")) else {
            throw MariaDBError.decoding(column: "channel", expected: "channel", found: "unknown")
        }
        return MessageTemplate(
            id: try row.decode("id"), channel: channel, name: try row.decode("name"), subject: try row.decode("subject"),
            body: try row.decode("body"), isBuiltin: try row.decode("is_builtin"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"))
    }
}
