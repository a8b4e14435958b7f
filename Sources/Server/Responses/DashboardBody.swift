import Campaigns
import Foundation

/// The dashboard.
struct DashboardBody: Encodable {
    struct Messages: Encodable { let sent, delivered, failed, pending: Int }
    struct Day: Encodable {
        let date: String
        let sent, failed: Int
    }
    let campaigns: [String: Int]
    let messages: Messages
    let daily: [Day]
    let timezone: String
    let recent: [CampaignBody]
    /// Attributed bookings per day (callers who may read the logs of the channels).
    let bookingsDaily: [ResultsBody.DayBody]?
    let currency: String?

    init(_ dashboard: Dashboard, recent: [CampaignBody], bookings: (days: [DailyBookings], currency: String?)? = nil) {
        bookingsDaily = bookings?.days.map { ResultsBody.DayBody(date: $0.date, bookings: $0.bookings, revenue: $0.revenue) }
        currency = bookings?.currency
        var campaigns = Dictionary(uniqueKeysWithValues: CampaignStatus.allCases.map { ($0.rawValue, dashboard.campaigns[$0] ?? 0) })
        campaigns["total"] = dashboard.campaigns.values.reduce(0, +)
        self.campaigns = campaigns
        messages = Messages(sent: dashboard.sent, delivered: dashboard.delivered, failed: dashboard.failed, pending: dashboard.pending)
        daily = dashboard.daily.map { Day(date: $0.date, sent: $0.sent, failed: $0.failed) }
        timezone = dashboard.timeZone
        self.recent = recent
    }
}
