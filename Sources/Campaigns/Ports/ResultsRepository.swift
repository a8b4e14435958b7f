import Foundation

/// Reads results: the store runs the attribution queries, the answer is pure values.
public protocol ResultsRepository: Sendable {
    /// One campaign's results, all runs (`run` nil) or one; `access` is checked on the row.
    func results(scope: TenantScope, id: Int, run: Int?, access: AccessCheck) async throws -> CampaignResults
    /// The results of several campaigns of the tenant taken as one, answered under `id` (a
    /// broadcast's, DESIGN §14): a customer messaged by two of them counts once, a booking once.
    /// The caller has checked access to every campaign.
    func results(scope: TenantScope, combining campaigns: [Campaign], id: Int) async throws -> CampaignResults
    /// Totals of several campaigns of the tenant in one pass, keyed by campaign id (campaigns
    /// without a message are left out).
    func summaries(scope: TenantScope, campaigns: [Campaign]) async throws -> [Int: AttributionFigures]
    /// Bookings per day over the last `days` days (today included) in the tenant's zone, from
    /// every campaign of `channels`, by last touch.
    func dailyBookings(scope: TenantScope, channels: Set<Channel>, days: Int) async throws -> (days: [DailyBookings], currency: String?)
}
