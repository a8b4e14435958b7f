import Foundation

/// The audit trail: read newest first, tenant-scoped. Changes write their entries themselves, in
/// the transaction of the change; `record` is for what changes no stored object (a test send).
public protocol AuditLog: Sendable {
    func list(scope: TenantScope, query: AuditQuery, page: PageRequest) async throws -> Page<AuditEntryView>
    /// Stores an entry on its own; returns its id.
    @discardableResult
    func record(_ entry: AuditEntry) async throws -> Int
}
