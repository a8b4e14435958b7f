import Campaigns
import Foundation
import MariaDB

/// Results over several campaigns taken as one (a broadcast, DESIGN §14): the customers
/// messaged and held out are counted once over the campaigns, and each booking once, by its
/// last touch, whichever of them it was.
extension MariaDBResultsRepository {
    public func results(scope: TenantScope, combining campaigns: [Campaign], id: Int) async throws -> CampaignResults {
        try await pool.withConnection { db in
            let ids = campaigns.map(\.id)
            let windows = try await windowDays(db, scope: scope)
            let days = campaigns.map { windows[$0.channel] ?? ChannelSettings.defaultAttributionDays }.max() ?? ChannelSettings.defaultAttributionDays
            let zone = try await siteSettings.timeZone(scope: scope, channel: nil, on: db)
            var result = CampaignResults(
                campaignID: id, run: nil, attributionDays: days, currency: try await siteSettings.currency(scope: scope, on: db),
                timeZone: zone.identifier, total: AttributionFigures(), runs: [], holdout: nil, daily: [])
            guard !ids.isEmpty, let row = try await run(db, queries.combinedGroups(scope, campaignIDs: ids)).first else { return result }
            let messaged = try row.decode("messaged", as: Int?.self) ?? 0
            result.total.messaged = messaged
            result.clicked = try await run(db, queries.clicked(scope, campaignIDs: ids, run: nil)).first?.decode("clicked", as: Int?.self) ?? 0
            if let first = try row.decode("first_sent", as: Int?.self), let last = try row.decode("last_sent", as: Int?.self) {
                let now = Int(clock.now().timeIntervalSince1970)
                let series = DaySeries(from: first, through: min(now, last + days * 86_400), timeZone: zone)
                let request = AttributionRequest(scope: scope, campaignIDs: ids, windowDays: windows, first: first, last: last, days: series)
                var daily: [Int: AttributionFigures] = [:]
                for booked in try await run(db, queries.combinedBookings(request)) {
                    var figures = AttributionFigures(
                        messaged: messaged, bookedCustomers: try booked.decode("booked_customers", as: Int?.self) ?? 0,
                        bookings: try booked.decode("bookings", as: Int?.self) ?? 0,
                        revenue: Self.cents(try booked.decode("revenue", as: Double?.self) ?? 0))
                    figures.directBookings = try booked.decode("direct_bookings", as: Int?.self) ?? 0
                    figures.directRevenue = Self.cents(try booked.decode("direct_revenue", as: Double?.self) ?? 0)
                    if let day = try booked.decode("day", as: Int?.self) { daily[day] = figures } else { result.total = figures }
                }
                result.daily = series.dates.enumerated().map { index, date in
                    DailyBookings(date: date, bookings: daily[index + 1]?.bookings ?? 0, revenue: daily[index + 1]?.revenue ?? 0)
                }
            }
            let heldOut = try row.decode("held_out", as: Int?.self) ?? 0
            if heldOut > 0, let first = try row.decode("first_held", as: Int?.self), let last = try row.decode("last_held", as: Int?.self) {
                let request = AttributionRequest(scope: scope, campaignIDs: ids, windowDays: windows, first: first, last: last)
                let channel = campaigns.first?.channel ?? .sms
                let booked = try await run(db, queries.holdoutBookings(request, channel: channel, combined: true)).first
                result.holdout = HoldoutComparison(
                    customers: heldOut, bookedCustomers: try booked?.decode("booked_customers", as: Int?.self) ?? 0,
                    messagedRate: result.total.conversionRate, messagedCustomers: messaged)
            }
            return result
        }
    }
}
