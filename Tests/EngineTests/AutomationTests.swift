import CampaignStore
import Campaigns
import Engine
import Foundation
import MariaDB
import TestSupport
import Testing

/// Holdout groups and the automations recurring campaigns make (DESIGN §5 repeat rule, §12).
@Suite("Automations and holdout through the engine", .serialized)
struct AutomationTests {
    static let read = AccessCheck(.read, in: .everything(planChannels: nil))

    func create(_ fixture: EngineFixture, _ draft: CampaignDraft) async throws -> Campaign {
        let created = try await fixture.campaigns.create(scope: .singleSite, draft: draft, createdBy: 1).campaign
        return try await fixture.campaigns.send(scope: .singleSite, id: created.id, access: EngineFixture.admin, by: nil).campaign
    }

    @Test func theHoldoutIsDeterministicNearItsShareAndNeverReachesTheProvider() async throws {
        try await EngineFixture.with("holdout", customers: 10_000) { fixture in
            let campaign = try await create(
                fixture,
                CampaignDraft(channel: .sms, name: "Held", segment: Segment(type: .allCustomers), body: "Hi", holdoutPercent: 20))
            #expect(campaign.status == .queued)
            let held = try await fixture.pool.withConnection { db in
                Set(
                    try await db.query(
                        """
                        SELECT customer_id FROM wpe_bkntc_campaign_logs
                        WHERE campaign_id = \(campaign.id) AND status = 'skipped' AND last_error = 'holdout'
                        """
                    ).map { try $0.decode("customer_id", as: Int.self) })
            }
            // Within ±2 percentage points of 20 % of 10,000.
            #expect((1_800...2_200).contains(held.count), "\(held.count) held out")
            // The SQL and the domain value choose the same customers.
            let holdout = Holdout(percent: 20)
            let predicted = Set((1...10_000).filter { holdout.holdsOut(campaignID: campaign.id, customerID: $0) })
            #expect(held == predicted)
            // The domain's bucket is MariaDB's CRC32 of "campaign:customer"; another campaign differs.
            let sqlBucket = try await fixture.pool.withConnection { db in
                try await db.queryFirst("SELECT CRC32(CONCAT(\(campaign.id), ':', 42)) % 100 AS b")?.decode("b", as: Int.self)
            }
            #expect(Holdout.bucket(campaignID: campaign.id, customerID: 42) == sqlBucket)
            let other = Set((1...10_000).filter { holdout.holdsOut(campaignID: campaign.id + 1, customerID: $0) })
            #expect(other != predicted)

            try await fixture.drain(rounds: 100, limit: 500)
            #expect(try await fixture.status(campaign.id) == .completed)
            let heldAddresses = Set(held.map { String(format: "+4477009%05d", $0) })
            let sent = fixture.sender.sent.map(\.to)
            #expect(sent.count == 10_000 - held.count)
            #expect(heldAddresses.isDisjoint(with: sent), "a held-out customer reached the provider")
            let progress = try await fixture.campaigns.progress(scope: .singleSite, id: campaign.id, run: nil, access: Self.read).progress
            #expect(progress.skipped == held.count && progress.sent == sent.count)
        }
    }

    @Test func aDailyBirthdayCampaignGreetsEachCustomerOnTheirDayOnce() async throws {
        try await EngineFixture.with("birthday", customers: 8) { fixture in
            try await fixture.pool.withConnection { db in
                try await db.execute("INSERT INTO wpe_options (option_name, option_value) VALUES ('timezone_string', 'Europe/London')")
                for (id, birthdate) in [
                    (1, "1990-06-02"), (2, "1985-06-03"), (3, "2000-06-04"), (4, "1990-06-02"), (5, "1970-06-01"), (6, "1999-12-25"),
                ] {
                    try await db.execute("UPDATE wpe_bkntc_customers SET birthdate = \(birthdate) WHERE id = \(id)")
                }
            }
            // Every day at 09:00 London time, from 2 June 2026 (08:00Z in BST).
            let firstRun = ISO8601DateFormatter().date(from: "2026-06-02T08:00:00Z")!
            let campaign = try await create(
                fixture,
                CampaignDraft(
                    channel: .sms, name: "Birthdays", segment: Segment(type: .birthday), body: "Happy birthday {customer_first_name}",
                    scheduledAt: firstRun, recurrence: try CronExpression(parsing: "0 9 * * *")))
            #expect(campaign.status == .scheduled)
            let tick = CronTick(engine: fixture.engine, stores: fixture.stores, wake: nil)
            var perDay: [[String]] = []
            for day in 0..<3 {
                fixture.clock.set(firstRun.addingTimeInterval(TimeInterval(day * 86_400)))
                let before = fixture.sender.sent.count
                _ = try await tick.run(mode: .cron)
                try await fixture.drain()
                perDay.append(fixture.sender.sent.dropFirst(before).map(\.to).sorted())
                #expect(try await fixture.campaign(campaign.id).status == .scheduled, "day \(day): the automation goes on")
            }
            #expect(perDay == [["+447700900001", "+447700900004"], ["+447700900002"], ["+447700900003"]])
            let all = fixture.sender.sent.map(\.to)
            #expect(Set(all).count == all.count, "nobody was greeted twice")
            #expect(try await fixture.campaign(campaign.id).currentRun == 3)
        }
    }

    @Test func aDailyWinBackWithOncePerCustomerNeverMessagesAnyoneTwice() async throws {
        try await EngineFixture.with("winback", customers: 6) { fixture in
            let start = Int(EngineFixture.start.timeIntervalSince1970)
            let day = 86_400
            try await fixture.pool.withConnection { db in
                // Customers 1–3 last came 100+ days ago (lapsed now); 4's last visit is 88 days old,
                // still inside the 90 days on day 2 (the edge counts, as in §5) and lapsed on day 3
                // (run 4); 5 comes back regularly; 6 never booked.
                let visits: [(Int, Int)] = [
                    (1, start - 200 * day), (2, start - 120 * day), (3, start - 100 * day), (4, start - 88 * day),
                    (5, start - 100 * day), (5, start - 5 * day),
                ]
                for (index, visit) in visits.enumerated() {
                    try await db.execute(
                        """
                        INSERT INTO wpe_bkntc_appointments (id, customer_id, status, starts_at, ends_at, created_at)
                        VALUES (\(index + 1), \(visit.0), 'approved', \(visit.1), \(visit.1 + 3600), \(visit.1 - day))
                        """)
                }
            }
            let campaign = try await create(
                fixture,
                CampaignDraft(
                    channel: .sms, name: "Win-back", segment: Segment(type: .lapsed, days: 90), body: "We miss you",
                    recurrence: try CronExpression(parsing: "0 12 * * *"), repeatRule: RepeatRule(oncePerCustomer: true)))
            #expect(campaign.status == .queued && campaign.totalCount == 3)
            let tick = CronTick(engine: fixture.engine, stores: fixture.stores, wake: nil)
            var perRun: [[String]] = []
            var before = 0
            for run in 1...5 {
                if run > 1 {
                    fixture.clock.set(EngineFixture.start.addingTimeInterval(TimeInterval((run - 1) * day)))
                    _ = try await tick.run(mode: .cron)
                }
                try await fixture.drain()
                perRun.append(fixture.sender.sent.dropFirst(before).map(\.to).sorted())
                before = fixture.sender.sent.count
            }
            #expect(perRun == [["+447700900001", "+447700900002", "+447700900003"], [], [], ["+447700900004"], []])
            let all = fixture.sender.sent.map(\.to)
            #expect(Set(all).count == all.count, "somebody was won back twice")
            let stored = try await fixture.campaign(campaign.id)
            #expect(stored.currentRun == 5 && stored.repeatRule == RepeatRule(oncePerCustomer: true))
            // The runs with nobody new ended at once (no rows), and the automation went on.
            let rows = try await fixture.pool.withConnection { db in
                try await db.query(
                    "SELECT run, COUNT(*) AS n FROM wpe_bkntc_campaign_logs WHERE campaign_id = \(campaign.id) GROUP BY run ORDER BY run"
                )
                .map { (try $0.decode("run", as: Int.self), try $0.decode("n", as: Int.self)) }
            }
            #expect(rows.map(\.0) == [1, 4] && rows.map(\.1) == [3, 1])
        }
    }

    @Test func minDaysBetweenLetsACustomerBackAfterTheGap() async throws {
        try await EngineFixture.with("mindays", customers: 2) { fixture in
            let campaign = try await create(
                fixture,
                CampaignDraft(
                    channel: .sms, name: "Weekly-ish", segment: Segment(type: .allCustomers), body: "News",
                    recurrence: try CronExpression(parsing: "0 12 * * *"),
                    repeatRule: RepeatRule(minDaysBetween: 3)))
            let tick = CronTick(engine: fixture.engine, stores: fixture.stores, wake: nil)
            var perRun: [Int] = []
            var before = 0
            for run in 1...5 {
                if run > 1 {
                    fixture.clock.set(EngineFixture.start.addingTimeInterval(TimeInterval((run - 1) * 86_400)))
                    _ = try await tick.run(mode: .cron)
                }
                try await fixture.drain()
                perRun.append(fixture.sender.sent.count - before)
                before = fixture.sender.sent.count
            }
            // Day 0 sends; days 1–3 are within the last 3 days (the edge counts, as in §5's
            // windows); day 4 is past the gap.
            #expect(perRun == [2, 0, 0, 0, 2])
            _ = campaign
        }
    }
}
