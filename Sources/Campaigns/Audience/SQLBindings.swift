import SQL

// The domain's enums bind by their contract names, so the audience and attribution queries
// (and the store's) interpolate them directly: `status = \(LogStatus.skipped)`.
extension Channel: ContractNameBindable {}
extension CampaignStatus: ContractNameBindable {}
extension LogStatus: ContractNameBindable {}
extension SkipReason: ContractNameBindable {}
extension StatusReason: ContractNameBindable {}
extension SuppressionSource: ContractNameBindable {}
extension CampaignKind: ContractNameBindable {}
extension BroadcastMode: ContractNameBindable {}
extension AppointmentStatus: ContractNameBindable {}

extension TenantScope {
    /// The scope's rows of a Booknetic table: `tenant_id` equal, or NULL/0 on a single site.
    public var bookneticCondition: SQLQuery { bookneticCondition(on: nil) }

    /// Like `bookneticCondition` for the table aliased `alias` (`c.tenant_id = ?`).
    public func bookneticCondition(on alias: SQLIdentifier?) -> SQLQuery {
        var column: SQLQuery = "tenant_id"
        if let alias { column = "\(identifier: alias).tenant_id" }
        return switch self {
        case .singleSite: "(\(column) IS NULL OR \(column) = 0)"
        case .tenant(let id): "\(column) = \(id)"
        }
    }
}
