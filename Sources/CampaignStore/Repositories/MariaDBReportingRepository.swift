import Campaigns
import Foundation
import MariaDB

/// The dashboard and customer histories, computed from the log rows in a few grouped queries.
public struct MariaDBReportingRepository: ReportingRepository {
    let pool: MariaDBPool
    let campaigns: SQLIdentifier
    let logs: SQLIdentifier
    let settings: MariaDBSiteSettings
    let clock: any WallClock

    public init(pool: MariaDBPool, prefix: TablePrefix, settings: MariaDBSiteSettings, clock: any WallClock) {
        self.pool = pool
        self.campaigns = prefix.bkntc("campaigns")
        self.logs = prefix.bkntc("campaign_logs")
        self.settings = settings
        self.clock = clock
    }

    public func dashboard(scope: TenantScope, channels: Set<Channel>) async throws -> Dashboard {
        let wanted = Channel.allCases.filter(channels.contains)
        let now = clock.now()
        return try await pool.withConnection { db in
            let zone = try await settings.timeZone(scope: scope, on: db)
            var byStatus: [CampaignStatus: Int] = [:]
            for row in try await db.query(
                """
                SELECT status, COUNT(*) AS n FROM \(identifier: campaigns)
                WHERE tenant_key = \(scope.key) AND channel IN (\(list: wanted)) GROUP BY status
                """)
            {
                byStatus[try row.decode("status", as: CampaignStatus.self)] = try row.decode("n")
            }
            var progress = CampaignProgress(status: .draft)
            for row in try await db.query(
                """
                SELECT status, COUNT(*) AS n FROM \(identifier: logs)
                WHERE tenant_key = \(scope.key) AND channel IN (\(list: wanted)) GROUP BY status
                """)
            {
                progress.add(try row.decode("n"), try row.decode("status", as: LogStatus.self))
            }
            // Days in the tenant's zone (its offset now; a DST change inside the 30 days moves
            // an hour's messages across midnight).
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let today = calendar.startOfDay(for: now)
            let first = calendar.date(byAdding: .day, value: -29, to: today) ?? today
            let offset = zone.secondsFromGMT(for: now)
            var counts: [String: (sent: Int, failed: Int)] = [:]
            for row in try await db.query(
                """
                SELECT DATE_FORMAT(DATE_ADD(COALESCE(sent_at, updated_at), INTERVAL \(offset) SECOND), '%Y-%m-%d') AS day,
                  SUM(status IN (\(list: LogStatus.reached))) AS sent,
                  SUM(status IN (\(list: [LogStatus.failed, .undelivered]))) AS failed
                FROM \(identifier: logs)
                WHERE tenant_key = \(scope.key) AND channel IN (\(list: wanted))
                  AND status IN (\(list: [LogStatus.sent, .delivered, .failed, .undelivered]))
                  AND COALESCE(sent_at, updated_at) >= \(first)
                GROUP BY day
                """)
            {
                counts[try row.decode("day")] = (try row.decode("sent", as: Int?.self) ?? 0, try row.decode("failed", as: Int?.self) ?? 0)
            }
            let formatter = DateFormatter()
            formatter.calendar = calendar
            formatter.timeZone = zone
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd"
            let daily = (0..<30).compactMap { index -> DailyCount? in
                guard let day = calendar.date(byAdding: .day, value: index, to: first) else { return nil }
                let key = formatter.string(from: day)
                return DailyCount(date: key, sent: counts[key]?.sent ?? 0, failed: counts[key]?.failed ?? 0)
            }
            return Dashboard(
                campaigns: byStatus, sent: progress.sent + progress.delivered, delivered: progress.delivered,
                failed: progress.failed + progress.undelivered,
                pending: progress.pending, daily: daily, timeZone: zone.identifier)
        }
    }

    public func customerMessages(scope: TenantScope, customerID: Int, channels: Set<Channel>, page: PageRequest) async throws
        -> Page<CustomerMessage>
    {
        let wanted = Channel.allCases.filter(channels.contains)
        return try await pool.withConnection { db in
            let filter: MariaDBQuery = "l.tenant_key = \(scope.key) AND l.customer_id = \(customerID) AND l.channel IN (\(list: wanted))"
            let total =
                try await db.queryFirst("SELECT COUNT(*) AS n FROM \(identifier: logs) l WHERE \(filter)")?
                .decode("n", as: Int.self) ?? 0
            let rows = try await db.query(
                """
                SELECT l.campaign_id, c.name, c.kind, l.channel, l.address, l.status, l.sent_at, l.last_error, l.clicked_at, l.clicks, l.opened_at
                FROM \(identifier: logs) l JOIN \(identifier: campaigns) c ON c.id = l.campaign_id AND c.tenant_key = l.tenant_key
                WHERE \(filter)
                ORDER BY COALESCE(l.sent_at, l.updated_at) DESC, l.id DESC LIMIT \(page.perPage) OFFSET \(page.offset)
                """)
            let items = try rows.map { row in
                CustomerMessage(
                    campaignID: try row.decode("campaign_id"), campaignName: try row.decode("name"),
                    kind: try row.decodeIfPresent("kind", as: CampaignKind.self) ?? .campaign,
                    channel: try row.decode("channel", as: Channel.self), address: try row.decode("address"),
                    status: try row.decode("status", as: LogStatus.self), sentAt: try row.decode("sent_at"),
                    lastError: try row.decode("last_error"), engagement: try MariaDBCampaignRepository.engagement(row))
            }
            return Page(items: items, total: total, page: page.page, perPage: page.perPage)
        }
    }
}
