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
extension AppointmentStatus: ContractNameBindable {}

extension TenantScope {
    /// The rows of the table aliased `alias` that belong to the scope (a single site stores
    /// NULL or 0).
    func condition(on alias: SQLIdentifier) -> SQLQuery {
        switch self {
        case .singleSite: "(\(identifier: alias).tenant_id IS NULL OR \(identifier: alias).tenant_id = 0)"
        case .tenant(let id): "\(identifier: alias).tenant_id = \(id)"
        }
    }
}
