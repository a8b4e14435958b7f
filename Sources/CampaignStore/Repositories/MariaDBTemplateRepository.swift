import Campaigns
import Foundation
import MariaDB

/// Built-in templates (tenant_key 0, is_builtin 1, shared) and each tenant's custom templates.
public struct MariaDBTemplateRepository: TemplateRepository {
    let pool: MariaDBPool
    let table: SQLIdentifier
    let clock: any WallClock
    let audit: AuditWriter

    public init(pool: MariaDBPool, prefix: TablePrefix, clock: any WallClock) {
        self.pool = pool
        self.audit = AuditWriter(prefix: prefix)
        self.table = prefix.bkntc("campaign_templates")
        self.clock = clock
    }

    /// Rows this tenant may see: the built-ins plus its own.
    private func visible(_ scope: TenantScope) -> MariaDBQuery {
        "(is_builtin = 1 OR (is_builtin = 0 AND tenant_key = \(scope.key)))"
    }

    public func list(scope: TenantScope, channels: Set<Channel>, search: String?, page: PageRequest) async throws
        -> Page<MessageTemplate>
    {
        let wanted = Channel.allCases.filter(channels.contains)
        if wanted.isEmpty { return Page(items: [], total: 0, page: page.page, perPage: page.perPage) }
        var filter: MariaDBQuery = "\(visible(scope)) AND channel IN (\(list: wanted))"
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            let pattern = likePattern(search)
            filter.append(" AND (name LIKE \(pattern) ESCAPE '\\\\' OR body LIKE \(pattern) ESCAPE '\\\\')")
        }
        let condition = filter
        return try await pool.withConnection { db in
            try await db.page(
                from: table, where: condition,
                orderBy: SQLIdentifierList(("is_builtin", .descending), ("channel", .ascending), ("id", .ascending)),
                page: page, map: Self.template)
        }
    }

    public func get(scope: TenantScope, id: Int) async throws -> MessageTemplate? {
        try await pool.withConnection { db in try await fetch(db, scope: scope, id: id, lock: false) }
    }

    /// The audit entry of a change to `template`, in the change's transaction.
    private func record(_ tx: MariaDBTransaction, _ scope: TenantScope, _ user: Int?, _ action: AuditAction, _ template: MessageTemplate)
        async throws
    {
        try await audit.write(
            tx,
            AuditEntry(
                at: clock.now(), scope: scope, userID: user, action: action, objectType: .template, objectID: template.id,
                channel: template.channel, detail: ["name": .string(template.name)]))
    }

    public func create(scope: TenantScope, draft: TemplateDraft, by user: Int?) async throws -> MessageTemplate {
        try await pool.withTransaction { db in
            let now = clock.now()
            let id: Int
            do {
                id = try await db.execute(
                    """
                    INSERT INTO \(identifier: table) (tenant_id, tenant_key, channel, name, subject, body, is_builtin, created_at, updated_at,
                      \(LocalizedColumns.names))
                    VALUES (\(scope.tenantID), \(scope.key), \(draft.channel), \(draft.name), \(draft.subject), \(draft.body), 0, \(now), \(now),
                      \(LocalizedColumns.values(draft.localized)))
                    """
                ).lastInsertID
            } catch let error as MariaDBError where error.isDuplicateKey {
                throw Self.nameTaken(draft)
            }
            guard let template = try await fetch(db, scope: scope, id: id, lock: false) else { throw DomainError.notFound("template") }
            try await record(db, scope, user, .create, template)
            return template
        }
    }

    public func update(scope: TenantScope, id: Int, draft: TemplateDraft, access: AccessCheck, by user: Int?) async throws
        -> MessageTemplate
    {
        try await pool.withTransaction { tx in
            let existing = try await requireCustom(tx, scope: scope, id: id, access: access)
            try access.check(draft.channel)
            do {
                try await tx.execute(
                    """
                    UPDATE \(identifier: table) SET channel = \(draft.channel), name = \(draft.name), subject = \(draft.subject),
                      body = \(draft.body), \(LocalizedColumns.assignments(draft.localized)), updated_at = \(clock.now())
                    WHERE id = \(existing.id) AND tenant_key = \(scope.key) AND is_builtin = 0
                    """)
            } catch let error as MariaDBError where error.isDuplicateKey {
                throw Self.nameTaken(draft)
            }
            guard let template = try await fetch(tx, scope: scope, id: id, lock: false) else { throw DomainError.notFound("template") }
            try await record(tx, scope, user, .update, template)
            return template
        }
    }

    public func delete(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws {
        try await pool.withTransaction { tx in
            let existing = try await requireCustom(tx, scope: scope, id: id, access: access)
            try await tx.execute("DELETE FROM \(identifier: table) WHERE id = \(existing.id) AND tenant_key = \(scope.key) AND is_builtin = 0")
            try await record(tx, scope, user, .delete, existing)
        }
    }

    /// The locked template, with `access` checked on its channel; built-ins are read-only.
    private func requireCustom(_ tx: MariaDBTransaction, scope: TenantScope, id: Int, access: AccessCheck) async throws -> MessageTemplate {
        guard let existing = try await fetch(tx, scope: scope, id: id, lock: true) else { throw DomainError.notFound("template") }
        try access.check(existing.channel)
        if existing.isBuiltin { throw Self.builtinReadOnly }
        return existing
    }

    private func fetch(_ db: some MariaDBQueryable, scope: TenantScope, id: Int, lock: Bool) async throws -> MessageTemplate? {
        let locking: MariaDBQuery = lock ? " FOR UPDATE" : ""
        return try await db.queryFirst("SELECT * FROM \(identifier: table) WHERE id = \(id) AND \(visible(scope))\(locking)")
            .map(Self.template)
    }

    static let builtinReadOnly = DomainError.conflict(
        .templateBuiltin, message: "built-in templates are read-only; create your own copy instead")

    static func nameTaken(_ draft: TemplateDraft) -> DomainError {
        .conflict(.templateNameTaken, message: "a \(draft.channel.rawValue) template named '\(draft.name)' already exists")
    }

    static func template(_ row: MariaDBRow) throws -> MessageTemplate {
        MessageTemplate(
            id: try row.decode("id"), channel: try row.decode("channel", as: Channel.self), name: try row.decode("name"),
            subject: try row.decode("subject"), body: try row.decode("body"), isBuiltin: try row.decode("is_builtin"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"), localized: try LocalizedColumns.decode(row))
    }
}
