import Foundation

/// Writes what providers and recipients tell the service: delivery statuses, STOP/START
/// replies and unsubscribe clicks.
public protocol ProviderEventStore: Sendable {
    /// Applies a status to the row with `sid` in one of `tenants`; when no row has the sid yet,
    /// keeps it to apply when one does. Returns whether a row changed.
    func applyStatus(sid: String, status: DeliveryStatus, errorCode: String?, tenants: [TenantScope]) async throws -> Bool
    /// Adds `address` to the suppression list of each scope (idempotent).
    func suppress(_ address: String, scopes: [TenantScope], channel: Channel, reason: String, source: SuppressionSource) async throws
    /// Removes the STOP-reply suppression of `address` in each scope.
    func removeStopSuppression(_ address: String, scopes: [TenantScope], channel: Channel) async throws
    /// The `locale` of the latest appointment of the customer campaign `campaignID` messaged at
    /// `address` (an index lookup by the token's campaign, never a scan of the tenant's logs;
    /// nil without a campaign).
    func locale(scope: TenantScope, campaignID: Int?, address: String) async throws -> String?
}
