/// Whose data a query may touch: the single site of a non-SaaS install (tenant_id NULL/0), or
/// one Booknetic SaaS tenant. Always taken from the authenticated identity, never from a body.
public enum TenantScope: Sendable, Hashable {
    case singleSite
    case tenant(Int)

    /// The `tenant_id` stored in the sidecar's rows (nil on a single site).
    public var tenantID: Int? {
        switch self {
        case .singleSite: nil
        case .tenant(let id): id
        }
    }

    /// The scope of a stored `tenant_id` (NULL or 0 = the single site).
    public init(storedTenantID: Int?) {
        if let id = storedTenantID, id != 0 { self = .tenant(id) } else { self = .singleSite }
    }

    /// The non-null key the sidecar's tables index on (0 on a single site).
    public var key: Int { tenantID ?? 0 }
}
