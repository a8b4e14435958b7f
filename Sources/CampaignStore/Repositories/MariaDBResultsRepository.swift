import Campaigns
import Foundation
import MariaDB

/// Results of campaigns (DESIGN §12): the attribution queries of `AttributionQueries` run on
/// one lease, with the tenant's attribution windows, currency and time zone read on it too.
/// Summaries for lists and the dashboard's daily series are cached for 30 s per tenant (bookings
/// arrive over days; a page polled every few seconds should not scan the appointments each time),
/// per version of the tenant's settings: a new attribution window or zone applies at once.
public struct MariaDBResultsRepository: ResultsRepository {
    let pool: MariaDBPool
    let queries: AttributionQueries
    let campaigns: SQLIdentifier
    let settingsTable: SQLIdentifier
    let siteSettings: MariaDBSiteSettings
    let clock: any WallClock
    private let summaryCache: TimedCache<SummaryKey, [Int: AttributionFigures]>
    private let dailyCache: TimedCache<DailyKey, DailySeries>
    /// Sees every attribution statement before it runs (the bench writes them out to time the
    /// same SQL in the mariadb client).
    public var onStatement: (@Sendable (SQLQuery) -> Void)?

    struct SummaryKey: Hashable, Sendable {
        let tenant: Int
        let campaigns: [Int]
        let settingsVersion: Int
    }

    struct DailyKey: Hashable, Sendable {
        let tenant: Int
        let channels: [Channel]
        let days: Int
        let settingsVersion: Int
    }

    struct DailySeries: Sendable {
        let days: [DailyBookings]
        let currency: String?
    }

    public init(pool: MariaDBPool, prefix: TablePrefix, settings: MariaDBSiteSettings, clock: any WallClock) {
        self.pool = pool
        self.queries = AttributionQueries(tables: prefix.attributionTables)
        self.campaigns = prefix.bkntc("campaigns")
        self.settingsTable = prefix.bkntc("campaign_settings")
        self.siteSettings = settings
        self.clock = clock
        self.summaryCache = TimedCache(ttl: 30, clock: clock)
        self.dailyCache = TimedCache(ttl: 30, clock: clock)
    }

    public func results(scope: TenantScope, id: Int, run: Int?, access: AccessCheck) async throws -> CampaignResults {
        try await pool.withConnection { db in
            guard
                let campaign = try await db.queryFirst(
                    "SELECT * FROM \(identifier: campaigns) WHERE id = \(id) AND tenant_key = \(scope.key)"
                ).map(MariaDBCampaignRepository.campaign)
            else { throw DomainError.notFound("campaign") }
            try access.check(campaign.channel)
            let windows = try await windowDays(db, scope: scope)
            let days = windows[campaign.channel] ?? ChannelSettings.defaultAttributionDays
            let zone = try await siteSettings.timeZone(scope: scope, channel: campaign.channel, on: db)
            let currency = try await siteSettings.currency(scope: scope, on: db)
            let groups = try await self.groups(db, scope: scope, campaignIDs: [id], run: run)
            var result = CampaignResults(
                campaignID: id, run: run, attributionDays: days, currency: currency, timeZone: zone.identifier,
                total: AttributionFigures(), runs: [], holdout: nil, daily: [])
            guard let total = groups.totals[id] else { return result }
            result.clicked = try await self.run(db, queries.clicked(scope, campaignIDs: [id], run: run)).first?.decode("clicked", as: Int?.self) ?? 0
            result.total.messaged = total.messaged
            if let first = total.firstSent, let last = total.lastSent {
                let now = Int(clock.now().timeIntervalSince1970)
                let series = DaySeries(from: first, through: min(now, last + days * 86_400), timeZone: zone)
                let request = AttributionRequest(
                    scope: scope, campaignIDs: [id], run: run, windowDays: windows, first: first, last: last, days: series)
                let booked = try await bookings(db, request)
                result.total =
                    booked.totals[id].map { figures in
                        var figures = figures
                        figures.messaged = total.messaged
                        return figures
                    } ?? AttributionFigures(messaged: total.messaged)
                result.daily = series.dates.enumerated().map { index, date in
                    let day = booked.daily[index + 1] ?? (0, 0)
                    return DailyBookings(date: date, bookings: day.bookings, revenue: Self.cents(day.revenue))
                }
                result.runs = groups.runs[id, default: [:]].keys.sorted().map { number in
                    var figures = booked.runs[id]?[number] ?? AttributionFigures()
                    figures.messaged = groups.runs[id]?[number]?.messaged ?? 0
                    return RunResults(run: number, figures: figures)
                }
            } else {
                result.runs = groups.runs[id, default: [:]].keys.sorted().map { number in
                    RunResults(run: number, figures: AttributionFigures(messaged: groups.runs[id]?[number]?.messaged ?? 0))
                }
            }
            if total.heldOut > 0, let first = total.firstHeld, let last = total.lastHeld {
                let request = AttributionRequest(
                    scope: scope, campaignIDs: [id], run: run, windowDays: windows, first: first, last: last)
                let rows = try await self.run(db, queries.holdoutBookings(request, channel: campaign.channel))
                let booked = try rows.first?.decode("booked_customers", as: Int.self) ?? 0
                result.holdout = HoldoutComparison(
                    customers: total.heldOut, bookedCustomers: booked, messagedRate: result.total.conversionRate,
                    messagedCustomers: result.total.messaged)
            }
            return result
        }
    }

    public func summaries(scope: TenantScope, campaigns: [Campaign]) async throws -> [Int: AttributionFigures] {
        let ids = campaigns.filter { $0.currentRun > 0 }.map(\.id).sorted()
        if ids.isEmpty { return [:] }
        let version = try await siteSettings.settingsVersion(scope: scope)
        return try await summaryCache.value(for: SummaryKey(tenant: scope.key, campaigns: ids, settingsVersion: version)) {
            try await pool.withConnection { db in
                let groups = try await self.groups(db, scope: scope, campaignIDs: ids, run: nil)
                let sent = groups.totals.values.filter { $0.firstSent != nil }
                guard let first = sent.compactMap(\.firstSent).min(), let last = sent.compactMap(\.lastSent).max() else {
                    return groups.totals.mapValues { AttributionFigures(messaged: $0.messaged) }
                }
                let request = AttributionRequest(
                    scope: scope, campaignIDs: ids, windowDays: try await windowDays(db, scope: scope), first: first, last: last)
                let booked = try await bookings(db, request)
                return Dictionary(
                    uniqueKeysWithValues: groups.totals.map { id, total in
                        var figures = booked.totals[id] ?? AttributionFigures()
                        figures.messaged = total.messaged
                        return (id, figures)
                    })
            }
        }
    }

    public func dailyBookings(scope: TenantScope, channels: Set<Channel>, days: Int) async throws
        -> (days: [DailyBookings], currency: String?)
    {
        let wanted = Channel.allCases.filter(channels.contains)
        // Cached like the list's summaries: a dashboard reloaded often scans the appointments once in 30 s.
        let version = try await siteSettings.settingsVersion(scope: scope)
        let series = try await dailyCache.value(
            for: DailyKey(tenant: scope.key, channels: wanted, days: days, settingsVersion: version)
        ) {
            try await dailySeries(scope: scope, channels: wanted, days: days)
        }
        return (series.days, series.currency)
    }

    private func dailySeries(scope: TenantScope, channels wanted: [Channel], days: Int) async throws -> DailySeries {
        try await pool.withConnection { db in
            let zone = try await siteSettings.timeZone(scope: scope, channel: wanted.count == 1 ? wanted[0] : nil, on: db)
            let currency = try await siteSettings.currency(scope: scope, on: db)
            let now = Int(clock.now().timeIntervalSince1970)
            let series = DaySeries(from: now - (max(1, days) - 1) * 86_400, through: now, timeZone: zone)
            let windows = try await windowDays(db, scope: scope)
            let start = series.starts.first ?? now
            let longest = wanted.map { windows[$0] ?? ChannelSettings.defaultAttributionDays }.max() ?? ChannelSettings.defaultAttributionDays
            // Messages up to one window before the period can still bring bookings inside it.
            let since = start - longest * 86_400
            let ids = try await self.run(db, queries.campaignsMessaging(scope, channels: wanted, since: since))
                .map { try $0.decode("campaign_id", as: Int.self) }
            var perDay: [Int: (bookings: Int, revenue: Double)] = [:]
            if !ids.isEmpty {
                let request = AttributionRequest(
                    scope: scope, campaignIDs: ids, windowDays: windows, first: since, last: now, days: series)
                perDay = try await bookings(db, request).daily
            }
            let result = series.dates.enumerated().map { index, date in
                let day = perDay[index + 1] ?? (0, 0)
                return DailyBookings(date: date, bookings: day.bookings, revenue: Self.cents(day.revenue))
            }
            return DailySeries(days: result, currency: currency)
        }
    }

    // MARK: - Steps

    /// Messaged and held-out customers and message times, per campaign and per run.
    struct Group {
        var messaged = 0
        var heldOut = 0
        var firstSent: Int?
        var lastSent: Int?
        var firstHeld: Int?
        var lastHeld: Int?
    }

    private func groups(_ db: some MariaDBQueryable, scope: TenantScope, campaignIDs: [Int], run: Int?) async throws
        -> (totals: [Int: Group], runs: [Int: [Int: Group]])
    {
        var totals: [Int: Group] = [:]
        var runs: [Int: [Int: Group]] = [:]
        for row in try await self.run(db, queries.groups(scope, campaignIDs: campaignIDs, run: run)) {
            var group = Group()
            group.messaged = try row.decode("messaged", as: Int?.self) ?? 0
            group.firstSent = try row.decode("first_sent", as: Int?.self)
            group.lastSent = try row.decode("last_sent", as: Int?.self)
            runs[try row.decode("campaign_id"), default: [:]][try row.decode("run", as: Int.self)] = group
        }
        for row in try await self.run(db, queries.heldOut(scope, campaignIDs: campaignIDs, run: run)) {
            let campaign: Int = try row.decode("campaign_id")
            let number: Int = try row.decode("run")
            var group = runs[campaign]?[number] ?? Group()
            group.heldOut = try row.decode("held_out")
            group.firstHeld = try row.decode("first_held", as: Int?.self)
            group.lastHeld = try row.decode("last_held", as: Int?.self)
            runs[campaign, default: [:]][number] = group
        }
        for (campaign, byRun) in runs {
            for group in byRun.values {
                var total = totals[campaign] ?? Group()
                total.messaged += group.messaged
                total.heldOut += group.heldOut
                total.firstSent = [total.firstSent, group.firstSent].compactMap { $0 }.min()
                total.lastSent = [total.lastSent, group.lastSent].compactMap { $0 }.max()
                total.firstHeld = [total.firstHeld, group.firstHeld].compactMap { $0 }.min()
                total.lastHeld = [total.lastHeld, group.lastHeld].compactMap { $0 }.max()
                totals[campaign] = total
            }
        }
        // A run holds one row per address; over several runs a customer counts once.
        let recurring = runs.filter { $0.value.count > 1 }.map(\.key).sorted()
        if !recurring.isEmpty {
            for row in try await self.run(db, queries.distinctCustomers(scope, campaignIDs: recurring)) {
                let campaign: Int = try row.decode("campaign_id")
                totals[campaign]?.messaged = try row.decode("messaged", as: Int?.self) ?? 0
                totals[campaign]?.heldOut = try row.decode("held_out", as: Int?.self) ?? 0
            }
        }
        return (totals, runs)
    }

    /// Attributed bookings per campaign, per run and per day (1-based index into the series).
    private func bookings(_ db: some MariaDBQueryable, _ request: AttributionRequest) async throws -> (
        totals: [Int: AttributionFigures], runs: [Int: [Int: AttributionFigures]], daily: [Int: (bookings: Int, revenue: Double)]
    ) {
        var totals: [Int: AttributionFigures] = [:]
        var runs: [Int: [Int: AttributionFigures]] = [:]
        var daily: [Int: (bookings: Int, revenue: Double)] = [:]
        for row in try await self.run(db, queries.bookings(request)) {
            guard let campaign = try row.decode("campaign_id", as: Int?.self) else { continue }
            var figures = AttributionFigures(
                bookedCustomers: try row.decode("booked_customers", as: Int?.self) ?? 0,
                bookings: try row.decode("bookings", as: Int?.self) ?? 0,
                revenue: Self.cents(try row.decode("revenue", as: Double?.self) ?? 0))
            figures.directBookings = try row.decode("direct_bookings", as: Int?.self) ?? 0
            figures.directRevenue = Self.cents(try row.decode("direct_revenue", as: Double?.self) ?? 0)
            let run = try row.decode("run", as: Int?.self)
            let day = try row.decode("day", as: Int?.self)
            switch (run, day) {
            case (nil, _): totals[campaign] = figures
            case (let run?, nil): runs[campaign, default: [:]][run] = figures
            case (_, let day?):
                let sum = daily[day] ?? (0, 0)
                daily[day] = (sum.bookings + figures.bookings, sum.revenue + figures.revenue)
            }
        }
        return (totals, runs, daily)
    }

    func run(_ db: some MariaDBQueryable, _ query: SQLQuery) async throws -> [MariaDBRow] {
        onStatement?(query)
        return try await db.query(query)
    }

    /// `attribution_days` per channel: the tenant's setting, else the default.
    func windowDays(_ db: some MariaDBQueryable, scope: TenantScope) async throws -> [Channel: Int] {
        var windows = Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0, ChannelSettings.defaultAttributionDays) })
        let rows = try await db.query(
            """
            SELECT channel, value FROM \(identifier: settingsTable)
            WHERE tenant_key = \(scope.key) AND name = \(SettingName.attributionDays.rawValue)
            """)
        for row in rows {
            guard let channel = Channel(rawValue: try row.decode("channel")),
                let days = Int(try row.decode("value", as: String.self).trimmingCharacters(in: .whitespaces)), days > 0
            else { continue }
            windows[channel] = days
        }
        return windows
    }

    /// Money rounded to cents (sums of DECIMAL columns read as Double).
    static func cents(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}

extension TablePrefix {
    /// The tables the results queries read.
    public var attributionTables: AttributionTables {
        AttributionTables(
            appointments: bkntc("appointments"), services: bkntc("services"), logs: bkntc("campaign_logs"))
    }
}
