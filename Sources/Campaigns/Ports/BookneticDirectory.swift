import Foundation

/// The tenant's Booknetic data for pickers and manual sends (read-only).
public protocol BookneticDirectory: Sendable {
    /// The tenant's customers among `ids`.
    func customers(scope: TenantScope, ids: [Int]) async throws -> [CustomerContact]
    /// Customers whose name, email or phone contains `query`, at most `limit`.
    func searchCustomers(scope: TenantScope, query: String, limit: Int) async throws -> [CustomerContact]
    /// The tenant's services and locations (id, name, active).
    func services(scope: TenantScope) async throws -> [DirectoryEntry]
    func locations(scope: TenantScope) async throws -> [DirectoryEntry]
}
