import Foundation

/// Read-only figures across campaigns.
public protocol ReportingRepository: Sendable {
    func dashboard(scope: TenantScope, channels: Set<Channel>) async throws -> Dashboard
    /// Every message to a customer on `channels`, newest first.
    func customerMessages(scope: TenantScope, customerID: Int, channels: Set<Channel>, page: PageRequest) async throws
        -> Page<CustomerMessage>
}
