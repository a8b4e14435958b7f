import Campaigns
import Foundation
import MariaDB

/// The tenant's Booknetic customers, services and locations, read-only.
public struct MariaDBBookneticDirectory: BookneticDirectory {
    let pool: MariaDBPool
    let customersTable: SQLIdentifier
    let servicesTable: SQLIdentifier
    let locationsTable: SQLIdentifier

    public init(pool: MariaDBPool, prefix: TablePrefix) {
        self.pool = pool
        self.customersTable = prefix.bkntc("customers")
        self.servicesTable = prefix.bkntc("services")
        self.locationsTable = prefix.bkntc("locations")
    }

    static func contact(_ row: MariaDBRow) throws -> CustomerContact {
        CustomerContact(
            id: try row.decode("id"), firstName: try row.decode("first_name", as: String?.self),
            lastName: try row.decode("last_name", as: String?.self), phone: try row.decode("phone_number", as: String?.self),
            email: try row.decode("email", as: String?.self))
    }

    public func customers(scope: TenantScope, ids: [Int]) async throws -> [CustomerContact] {
        if ids.isEmpty { return [] }
        return try await pool.withConnection { db in
            var found: [CustomerContact] = []
            for chunk in ids.chunked(1000) {
                found += try await db.query(
                    """
                    SELECT id, first_name, last_name, phone_number, email FROM \(identifier: customersTable)
                    WHERE id IN (\(list: Array(chunk))) AND \(scope.bookneticCondition)
                    """
                ).map(Self.contact)
            }
            return found
        }
    }

    public func searchCustomers(scope: TenantScope, query: String, limit: Int) async throws -> [CustomerContact] {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        var condition = scope.bookneticCondition
        if !trimmed.isEmpty {
            let pattern =
                "%"
                + trimmed.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            condition.append(
                """
                 AND (CONCAT_WS(' ', first_name, last_name) LIKE \(pattern) OR email LIKE \(pattern) OR phone_number LIKE \(pattern))
                """)
        }
        let filter = condition
        return try await pool.withConnection { db in
            try await db.query(
                """
                SELECT id, first_name, last_name, phone_number, email FROM \(identifier: customersTable)
                WHERE \(filter) ORDER BY id LIMIT \(max(1, min(limit, 100)))
                """
            ).map(Self.contact)
        }
    }

    public func services(scope: TenantScope) async throws -> [DirectoryEntry] { try await entries(servicesTable, scope: scope) }

    public func locations(scope: TenantScope) async throws -> [DirectoryEntry] { try await entries(locationsTable, scope: scope) }

    private func entries(_ table: SQLIdentifier, scope: TenantScope) async throws -> [DirectoryEntry] {
        try await pool.withConnection { db in
            try await db.query(
                "SELECT id, name, is_active FROM \(identifier: table) WHERE \(scope.bookneticCondition) ORDER BY name, id LIMIT 1000"
            ).map { row in
                let active: Int? = try row.decode("is_active", as: Int?.self)
                return DirectoryEntry(id: try row.decode("id"), name: try row.decode("name", as: String?.self) ?? "", isActive: (active ?? 1) != 0)
            }
        }
    }
}
