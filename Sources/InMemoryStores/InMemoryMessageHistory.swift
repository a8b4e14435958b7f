import Campaigns
import Foundation
import Synchronization

/// The messages the tenants' customers were sent, in memory, and the figures read from them
/// (DESIGN §7: the dashboard and a customer's history). Campaign counts come from `campaigns`;
/// days are counted in UTC.
public final class InMemoryMessageHistory: ReportingRepository {
    /// One stored message: its tenant and customer, and what the history shows.
    public struct Entry: Sendable, Hashable {
        public var scope: TenantScope
        public var customerID: Int?
        public var message: CustomerMessage

        public init(scope: TenantScope = .singleSite, customerID: Int?, message: CustomerMessage) {
            self.scope = scope
            self.customerID = customerID
            self.message = message
        }
    }

    private let entries = Mutex<[Entry]>([])
    private let campaigns: any CampaignRepository
    private let clock: any WallClock

    public init(campaigns: any CampaignRepository, clock: any WallClock) {
        self.campaigns = campaigns
        self.clock = clock
    }

    /// Stores messages (newest last).
    public func add(_ new: [Entry]) { entries.withLock { $0 += new } }

    /// Every stored message (for tests).
    public var all: [Entry] { entries.withLock { $0 } }

    /// Deletes the tenant's messages to `customerID` or to any of `addresses`; returns how many went.
    func remove(scope: TenantScope, customerID: Int?, addresses: [String]) -> Int {
        let wanted = Set(addresses.map { $0.lowercased() })
        return entries.withLock { entries in
            let before = entries.count
            entries.removeAll { entry in
                entry.scope == scope
                    && ((customerID != nil && entry.customerID == customerID) || wanted.contains(entry.message.address.lowercased()))
            }
            return before - entries.count
        }
    }

    public func dashboard(scope: TenantScope, channels: Set<Channel>) async throws -> Dashboard {
        var byStatus: [CampaignStatus: Int] = [:]
        var page = PageRequest(page: 1, perPage: 100)
        while true {
            let listed = try await campaigns.list(scope: scope, query: CampaignListQuery(channels: channels), page: page)
            for view in listed.items { byStatus[view.campaign.status, default: 0] += 1 }
            if listed.items.count < page.perPage { break }
            page = PageRequest(page: page.page + 1, perPage: 100)
        }
        let messages = entries.withLock { $0 }.filter { $0.scope == scope && channels.contains($0.message.channel) }.map(\.message)
        func count(_ statuses: Set<LogStatus>) -> Int { messages.filter { statuses.contains($0.status) }.count }
        return Dashboard(
            campaigns: byStatus, sent: count([.sent, .delivered]), delivered: count([.delivered]), failed: count([.failed, .undelivered]),
            pending: count([.pending]), daily: daily(messages), timeZone: "UTC")
    }

    /// The last 30 days, oldest first: messages that went out and that failed, by the day they were sent.
    private func daily(_ messages: [CustomerMessage]) -> [DailyCount] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        let today = calendar.startOfDay(for: clock.now())
        return (0..<30).reversed().compactMap { back -> DailyCount? in
            guard let day = calendar.date(byAdding: .day, value: -back, to: today) else { return nil }
            let key = formatter.string(from: day)
            let onDay = messages.filter { $0.sentAt.map(formatter.string(from:)) == key }
            return DailyCount(
                date: key, sent: onDay.filter { LogStatus.reached.contains($0.status) }.count,
                failed: onDay.filter { $0.status == .failed || $0.status == .undelivered }.count)
        }
    }

    public func customerMessages(scope: TenantScope, customerID: Int, channels: Set<Channel>, page: PageRequest) async throws
        -> Page<CustomerMessage>
    {
        let messages = entries.withLock { $0 }
            .filter { $0.scope == scope && $0.customerID == customerID && channels.contains($0.message.channel) }
            .map(\.message)
        return Array(messages.reversed()).page(page)
    }
}
