import Campaigns
import Foundation
import Synchronization

/// The tenants' Booknetic customers, services and locations, as a test puts them.
public final class InMemoryDirectory: BookneticDirectory {
    private struct Tenant {
        var customers: [CustomerContact] = []
        var services: [DirectoryEntry] = []
        var locations: [DirectoryEntry] = []
    }
    private let tenants = Mutex<[TenantScope: Tenant]>([:])

    public init() {}

    /// Adds `customers` to the tenant of `scope`.
    public func add(_ customers: [CustomerContact], scope: TenantScope = .singleSite) {
        tenants.withLock { $0[scope, default: Tenant()].customers += customers }
    }

    /// Sets the tenant's services and locations.
    public func setCatalogue(services: [DirectoryEntry], locations: [DirectoryEntry], scope: TenantScope = .singleSite) {
        tenants.withLock {
            $0[scope, default: Tenant()].services = services
            $0[scope, default: Tenant()].locations = locations
        }
    }

    public func customers(scope: TenantScope, ids: [Int]) async throws -> [CustomerContact] {
        let wanted = Set(ids)
        return tenants.withLock { $0[scope]?.customers ?? [] }.filter { wanted.contains($0.id) }
    }

    public func searchCustomers(scope: TenantScope, query: String, limit: Int) async throws -> [CustomerContact] {
        let needle = query.lowercased()
        let found = tenants.withLock { $0[scope]?.customers ?? [] }.filter { customer in
            needle.isEmpty
                || [customer.firstName, customer.lastName, customer.phone, customer.email]
                    .contains { $0?.lowercased().contains(needle) == true }
        }
        return Array(found.prefix(limit))
    }

    public func services(scope: TenantScope) async throws -> [DirectoryEntry] { tenants.withLock { $0[scope]?.services ?? [] } }

    public func locations(scope: TenantScope) async throws -> [DirectoryEntry] { tenants.withLock { $0[scope]?.locations ?? [] } }
}
