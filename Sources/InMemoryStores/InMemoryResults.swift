import Campaigns
import Foundation
import Synchronization

/// Campaign results (DESIGN §12) in memory: the figures of each run as a test records them, read
/// for campaigns of `campaigns` (another tenant's, or none: not found) with the channel's
/// attribution window from `settings`. Days are counted in UTC.
public final class InMemoryResults: ResultsRepository {
    private struct Key: Hashable {
        let scope: TenantScope
        let campaignID: Int
    }
    private let runs = Mutex<[Key: [Int: AttributionFigures]]>([:])
    private let bookings = Mutex<[TenantScope: [(channel: Channel, day: DailyBookings)]]>([:])
    private let campaigns: any CampaignRepository
    private let settings: any SettingsRepository
    /// Booknetic's currency setting.
    public let currency: String?

    public init(campaigns: any CampaignRepository, settings: any SettingsRepository, currency: String? = "USD") {
        self.campaigns = campaigns
        self.settings = settings
        self.currency = currency
    }

    /// Records what run `run` of campaign `campaignID` brought.
    public func record(_ figures: AttributionFigures, campaignID: Int, run: Int = 1, scope: TenantScope = .singleSite) {
        runs.withLock { $0[Key(scope: scope, campaignID: campaignID), default: [:]][run] = figures }
    }

    /// Records a day's attributed bookings of `channel`'s campaigns.
    public func record(_ day: DailyBookings, channel: Channel, scope: TenantScope = .singleSite) {
        bookings.withLock { $0[scope, default: []].append((channel, day)) }
    }

    public func results(scope: TenantScope, id: Int, run: Int?, access: AccessCheck) async throws -> CampaignResults {
        let campaign = try await campaigns.view(scope: scope, id: id, access: access).campaign
        let days = try await settings.stored(scope: scope, channel: campaign.channel).attributionDays ?? ChannelSettings.defaultAttributionDays
        let recorded = runs.withLock { $0[Key(scope: scope, campaignID: id)] ?? [:] }
            .filter { run == nil || $0.key == run }
            .sorted { $0.key < $1.key }
            .map { RunResults(run: $0.key, figures: $0.value) }
        return CampaignResults(
            campaignID: id, run: run, attributionDays: days, currency: currency, timeZone: "UTC",
            total: recorded.map(\.figures).reduce(AttributionFigures(), Self.sum), runs: recorded, holdout: nil, daily: [])
    }

    /// The recorded figures of the campaigns summed (the in-memory store records no customers,
    /// so one messaged by two of them is counted by each: the MariaDB tests check the rule).
    public func results(scope: TenantScope, combining campaigns: [Campaign], id: Int) async throws -> CampaignResults {
        var days = ChannelSettings.defaultAttributionDays
        for campaign in campaigns {
            days = max(days, try await settings.stored(scope: scope, channel: campaign.channel).attributionDays ?? days)
        }
        let figures = try await summaries(scope: scope, campaigns: campaigns).values.reduce(AttributionFigures(), Self.sum)
        return CampaignResults(
            campaignID: id, run: nil, attributionDays: days, currency: currency, timeZone: "UTC", total: figures, runs: [], holdout: nil,
            daily: [])
    }

    public func summaries(scope: TenantScope, campaigns: [Campaign]) async throws -> [Int: AttributionFigures] {
        let all = runs.withLock { $0 }
        var figures: [Int: AttributionFigures] = [:]
        for campaign in campaigns {
            guard let recorded = all[Key(scope: scope, campaignID: campaign.id)], !recorded.isEmpty else { continue }
            figures[campaign.id] = recorded.values.reduce(AttributionFigures(), Self.sum)
        }
        return figures
    }

    public func dailyBookings(scope: TenantScope, channels: Set<Channel>, days: Int) async throws -> (days: [DailyBookings], currency: String?) {
        var byDate: [String: DailyBookings] = [:]
        for (channel, day) in bookings.withLock({ $0[scope] ?? [] }) where channels.contains(channel) {
            var total = byDate[day.date] ?? DailyBookings(date: day.date, bookings: 0, revenue: 0)
            total.bookings += day.bookings
            total.revenue += day.revenue
            byDate[day.date] = total
        }
        return (byDate.values.sorted { $0.date < $1.date }.suffix(days), currency)
    }

    private static func sum(_ a: AttributionFigures, _ b: AttributionFigures) -> AttributionFigures {
        AttributionFigures(
            messaged: a.messaged + b.messaged, bookedCustomers: a.bookedCustomers + b.bookedCustomers, bookings: a.bookings + b.bookings,
            revenue: a.revenue + b.revenue)
    }
}
