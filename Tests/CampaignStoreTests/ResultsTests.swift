import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport
import Testing

/// Attribution (DESIGN §12) on hand-made Booknetic data: every rule has a booking on each side.
@Suite("Results: bookings and revenue by last touch, holdout lift", .serialized)
struct ResultsTests {
    static let prefix = try! TablePrefix("wpr_")
    static let day = 86_400
    /// When campaign A's messages went out: 2026-02-19T12:00:00Z.
    static let sent = 1_771_502_400
    static let now = Date(timeIntervalSince1970: TimeInterval(sent + 10 * day))
    static let read = AccessCheck(.logs, in: CapabilitySet.everything(planChannels: nil))

    struct Setup {
        let pool: MariaDBPool
        let results: MariaDBResultsRepository
    }

    func withData(_ label: String, _ body: (Setup) async throws -> Void) async throws {
        let pool = try await TestDatabase.create(label)
        try await TestDatabase.dropping(pool) {
            try await BookneticFixture.install(pool: pool, prefix: Self.prefix)
            try await Migrator(pool: pool, prefix: Self.prefix, logger: TestDatabase.logger).migrate()
            try await Self.insertData(pool)
            let clock = ManualClock(Self.now)
            let settings = MariaDBSiteSettings(pool: pool, prefix: Self.prefix, fallbackCountryCode: "44", clock: clock)
            try await body(Setup(pool: pool, results: MariaDBResultsRepository(pool: pool, prefix: Self.prefix, settings: settings, clock: clock)))
        }
    }

    /// Campaign 1 (sms, A) messaged customers 1–6 at `sent` and held out 7–9; campaign 2
    /// (email, B) messaged customer 2 two days later; campaign 3 (sms, recurring) messaged
    /// customer 10 in run 1 at `sent` and run 2 eight days later. Tenant 1 throughout; tenant 2
    /// has a booking by a customer with the same id, which must never count.
    static func insertData(_ pool: MariaDBPool) async throws {
        let s = sent
        let d = day
        try await pool.withConnection { db in
            try await db.execute("INSERT INTO wpr_bkntc_services (id, name, price, tenant_id) VALUES (1, 'Cut', 50.00, 1), (2, 'Colour', NULL, 1)")
            for (id, channel, name) in [(1, "sms", "A"), (2, "email", "B"), (3, "sms", "Recurring")] {
                try await db.execute(
                    """
                    INSERT INTO wpr_bkntc_campaigns (id, tenant_id, tenant_key, channel, name, status, segment, body, current_run,
                      holdout_percent, created_at, updated_at)
                    VALUES (\(id), 1, 1, \(channel), \(name), 'completed', '{"type":"all_customers"}', 'Hi', \(id == 3 ? 2 : 1),
                      \(id == 1 ? 30 : 0), UTC_TIMESTAMP(), UTC_TIMESTAMP())
                    """)
            }
            func log(_ campaign: Int, _ run: Int, _ customer: Int, _ channel: String, status: String, at epoch: Int, error: String? = nil)
                async throws
            {
                let time = Date(timeIntervalSince1970: TimeInterval(epoch))
                let sentAt: Date? = status == "skipped" ? nil : time
                try await db.execute(
                    """
                    INSERT INTO wpr_bkntc_campaign_logs (tenant_id, tenant_key, campaign_id, run, channel, customer_id, address, status,
                      last_error, sent_at, created_at, updated_at)
                    VALUES (1, 1, \(campaign), \(run), \(channel), \(customer), \("+4477009000\(10 + customer)"), \(status), \(error),
                      \(sentAt), \(time), \(time))
                    """)
            }
            for customer in 1...6 { try await log(1, 1, customer, "sms", status: customer == 6 ? "delivered" : "sent", at: s) }
            for customer in 7...9 { try await log(1, 1, customer, "sms", status: "skipped", at: s, error: "holdout") }
            try await log(1, 1, 11, "sms", status: "failed", at: s)  // never reached: not messaged
            try await log(2, 1, 2, "email", status: "sent", at: s + 2 * d)
            try await log(3, 1, 10, "sms", status: "sent", at: s)
            try await log(3, 2, 10, "sms", status: "sent", at: s + 8 * d)
            // customer, status, created_at, service, paid_amount, tenant
            let bookings: [(Int, String, Int, Int, Double?, Int)] = [
                (1, "approved", s + 7 * d - 1, 1, nil, 1),  // just inside A's 7-day window
                (1, "approved", s + 7 * d + 1, 1, nil, 1),  // just outside
                (2, "pending", s + d, 1, nil, 1),  // A is the last touch
                (2, "approved", s + 3 * d, 1, nil, 1),  // B came later: B's
                (3, "approved", s - 100, 1, nil, 1),  // booked before the message
                (4, "canceled", s + d, 1, nil, 1),
                (4, "rejected", s + 2 * d, 1, nil, 1),
                (5, "approved", s + 2 * d + 4 * 3600, 2, 30, 1),  // no price: the paid amount; 02-21 16:00Z = 02-22 in Tokyo
                (7, "approved", s + d, 1, nil, 1),  // a held-out customer booked anyway
                (1, "approved", s + d, 1, nil, 2),  // another tenant's customer 1
                (10, "approved", s + d, 1, nil, 1),  // recurring, run 1
                (10, "approved", s + 9 * d, 2, 20, 1),  // recurring, run 2
            ]
            for (index, b) in bookings.enumerated() {
                try await db.execute(
                    """
                    INSERT INTO wpr_bkntc_appointments (id, customer_id, status, starts_at, created_at, service_id, paid_amount, tenant_id)
                    VALUES (\(index + 1), \(b.0), \(b.1), \(b.2 + d), \(b.2), \(b.3), \(b.4), \(b.5))
                    """)
            }
            try await db.execute("INSERT INTO wpr_options (option_name, option_value) VALUES ('bkntc_currency', 'EUR')")
            try await db.execute(
                "INSERT INTO wpr_bkntc_campaign_settings (tenant_key, tenant_id, channel, name, value, updated_at) VALUES (1, 1, 'sms', 'timezone', '\"Asia/Tokyo\"', UTC_TIMESTAMP())"
            )
        }
    }

    @Test func lastTouchWithinTheWindowCountsBookingsAndRevenue() async throws {
        try await withData("results_a") { setup in
            let a = try await setup.results.results(scope: .tenant(1), id: 1, run: nil, access: Self.read)
            #expect(a.attributionDays == 7)
            #expect(a.currency == "EUR")
            #expect(a.timeZone == "Asia/Tokyo")
            #expect(a.total.messaged == 6)
            #expect(a.total.bookings == 3)  // customer 1 inside, customer 2's first, customer 5's
            #expect(a.total.bookedCustomers == 3)
            #expect(a.total.revenue == 130)  // 50 + 50 + 30 (paid amount where the price is missing)
            #expect(a.total.conversionRate == 0.5)
            // Daily in Tokyo time, from the day of the message to the end of the window.
            #expect(a.daily.first?.date == "2026-02-19")
            #expect(a.daily.last?.date == "2026-02-26")
            let byDate = Dictionary(uniqueKeysWithValues: a.daily.map { ($0.date, $0) })
            #expect(byDate["2026-02-20"]?.bookings == 1)
            #expect(byDate["2026-02-22"]?.revenue == 30)
            #expect(byDate["2026-02-21"]?.bookings == 0)
            #expect(byDate["2026-02-26"]?.revenue == 50)
            #expect(a.daily.map(\.bookings).reduce(0, +) == a.total.bookings)
            // Holdout: 3 customers, one booked anyway; the comparison is not meaningful yet.
            let holdout = try #require(a.holdout)
            #expect(holdout.customers == 3)
            #expect(holdout.bookedCustomers == 1)
            #expect(abs((holdout.lift ?? 0) - 0.5) < 1e-9)  // 0.5 ÷ (1/3) − 1
            #expect(holdout.meaningful == false)

            let b = try await setup.results.results(scope: .tenant(1), id: 2, run: nil, access: Self.read)
            #expect(b.total.messaged == 1)
            #expect(b.total.bookings == 1)
            #expect(b.total.revenue == 50)
            #expect(b.holdout == nil)
        }
    }

    @Test func recurringCampaignsHaveResultsPerRunAndInTotal() async throws {
        try await withData("results_runs") { setup in
            let all = try await setup.results.results(scope: .tenant(1), id: 3, run: nil, access: Self.read)
            #expect(all.total.messaged == 1)
            #expect(all.total.bookings == 2)
            #expect(all.total.bookedCustomers == 1)
            #expect(all.total.revenue == 70)
            #expect(all.runs.map(\.run) == [1, 2])
            #expect(all.runs.map(\.figures.bookings) == [1, 1])
            #expect(all.runs.map(\.figures.revenue) == [50, 20])
            let second = try await setup.results.results(scope: .tenant(1), id: 3, run: 2, access: Self.read)
            #expect(second.run == 2)
            #expect(second.total.bookings == 1)
            #expect(second.total.revenue == 20)
        }
    }

    @Test func summariesForAListTakeOnePassAndAnswerEveryCampaign() async throws {
        try await withData("results_list") { setup in
            let campaigns = [1, 2, 3].map { id in
                Campaign(
                    id: id, channel: .sms, name: "c\(id)", status: .completed, statusReason: nil, segment: Segment(type: .allCustomers),
                    filters: SegmentFilters(), templateID: nil, subject: nil, body: "Hi", contentSID: nil, contentVariables: nil,
                    scheduledAt: nil, recurrence: nil, currentRun: 1, totalCount: 1, createdBy: nil, createdAt: Self.now,
                    updatedAt: Self.now, startedAt: nil, finishedAt: nil, tenantID: 1)
            }
            let figures = try await setup.results.summaries(scope: .tenant(1), campaigns: campaigns)
            #expect(figures[1] == AttributionFigures(messaged: 6, bookedCustomers: 3, bookings: 3, revenue: 130))
            #expect(figures[2] == AttributionFigures(messaged: 1, bookedCustomers: 1, bookings: 1, revenue: 50))
            #expect(figures[3]?.bookings == 2)
            // Another tenant sees none of it.
            #expect(try await setup.results.summaries(scope: .tenant(2), campaigns: campaigns).isEmpty)
            await #expect(throws: DomainError.notFound("campaign")) {
                try await setup.results.results(scope: .tenant(2), id: 1, run: nil, access: Self.read)
            }
        }
    }

    @Test func aLongerAttributionWindowSettingCountsTheLaterBooking() async throws {
        try await withData("results_window") { setup in
            try await setup.pool.withConnection { db in
                try await db.execute(
                    "INSERT INTO wpr_bkntc_campaign_settings (tenant_key, tenant_id, channel, name, value, updated_at) VALUES (1, 1, 'sms', 'attribution_days', '8', UTC_TIMESTAMP())"
                )
            }
            let a = try await setup.results.results(scope: .tenant(1), id: 1, run: nil, access: Self.read)
            #expect(a.attributionDays == 8)
            #expect(a.total.bookings == 4)  // customer 1's booking at 7 days + 1 s is now inside
            #expect(a.total.bookedCustomers == 3)
        }
    }

    @Test func theDemoBookingStepBooksMessagedCustomersAfterTheirMessage() async throws {
        try await withData("results_demo") { setup in
            let before = try await setup.results.results(scope: .tenant(1), id: 1, run: nil, access: Self.read)
            let summary = try await DemoBookings(pool: setup.pool, prefix: Self.prefix).bookAfter(
                campaignID: 1, share: 1, seed: 7, now: Self.now)
            #expect(summary.messagedBookings == 6)  // every messaged customer (share 1)
            #expect(summary.heldOutBookings <= 3)
            let created = try await setup.pool.withConnection { db in
                try await db.query("SELECT created_at FROM wpr_bkntc_appointments WHERE id > 12").map { try $0.decode("created_at", as: Int.self) }
            }
            #expect(created.count == summary.messagedBookings + summary.heldOutBookings)
            #expect(created.allSatisfy { (Self.sent...Int(Self.now.timeIntervalSince1970)).contains($0) })
            let after = try await setup.results.results(scope: .tenant(1), id: 1, run: nil, access: Self.read)
            #expect(after.total.bookedCustomers > before.total.bookedCustomers)
        }
    }

    @Test func theDashboardSeriesSumsEveryCampaignsBookingsPerDay() async throws {
        try await withData("results_daily") { setup in
            let (days, currency) = try await setup.results.dailyBookings(scope: .tenant(1), channels: [.sms, .email], days: 30)
            #expect(days.count == 30)
            #expect(currency == "EUR")
            // A: 3, B: 1, the recurring campaign: 2; the held-out and pre-message bookings are nobody's.
            #expect(days.map(\.bookings).reduce(0, +) == 6)
            #expect(days.map(\.revenue).reduce(0, +) == 250)
            #expect(days.last?.date == "2026-03-01")  // today in Tokyo
            let smsOnly = try await setup.results.dailyBookings(scope: .tenant(1), channels: [.sms], days: 30)
            #expect(smsOnly.days.map(\.bookings).reduce(0, +) == 5)
            #expect(
                try await setup.results.dailyBookings(scope: .tenant(2), channels: [.sms, .email], days: 30).days
                    .allSatisfy { $0.bookings == 0 })
        }
    }
}
