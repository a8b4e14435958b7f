import CampaignStore
import Campaigns
import Engine
import Foundation
import Logging
import MariaDB
import ServiceLifecycle
import TestSupport
import Testing

/// Schedules, quiet hours and recovery against MariaDB (the suite of EngineTests.swift).
extension EngineTests {
    @Test func scheduledCampaignsActivateWhenDueAndRecurrenceSchedulesTheNextRun() async throws {
        try await EngineFixture.with("schedule", customers: 10) { fixture in
            try await fixture.pool.withConnection { db in
                try await db.execute("INSERT INTO wpe_options (option_name, option_value) VALUES ('timezone_string', 'Europe/London')")
            }
            // 2026-06-01 12:00Z; London is on BST (UTC+1).
            let later = try await fixture.queuedCampaign(scheduledAt: EngineFixture.start.addingTimeInterval(600))
            #expect(later.status == .scheduled)
            let tick = CronTick(engine: fixture.engine, stores: fixture.stores, wake: nil)
            #expect(try await tick.run(mode: .cron).activated == 0)
            fixture.clock.advance(by: 600)
            let report = try await tick.run(mode: .cron)
            #expect(report.activated == 1 && report.sent == 10)

            // Every day at 09:00 London time: the next run after a run ends, in BST.
            let daily = try await fixture.queuedCampaign(name: "Daily", recurrence: "0 9 * * *")
            #expect(daily.currentRun == 1)
            try await fixture.drain()
            let rescheduled = try await fixture.campaign(daily.id)
            #expect(rescheduled.status == .scheduled)
            let expected = ISO8601DateFormatter().date(from: "2026-06-02T08:00:00Z")!
            #expect(rescheduled.scheduledAt == expected, "09:00 BST is 08:00 UTC")
            fixture.clock.set(expected)
            let second = try await tick.run(mode: .cron)
            #expect(second.activated == 1 && second.sent == 10)
            let afterSecond = try await fixture.campaign(daily.id)
            #expect(afterSecond.currentRun == 2 && afterSecond.status == .scheduled)
            #expect(fixture.sender.sent.filter { $0.campaignID == daily.id }.count == 20)
        }
    }

    @Test func anOccurrenceDuringAnUnfinishedRunIsSkipped() async throws {
        try await EngineFixture.with("overlap", customers: 5) { fixture in
            // Hourly; the first run starts at 12:00 and is still going at 13:00 and 14:00.
            let hourly = try await fixture.queuedCampaign(name: "Hourly", recurrence: "0 * * * *")
            try await fixture.drain(rounds: 1, limit: 2)
            fixture.clock.advance(by: 2.5 * 3600)  // 14:30: the 13:00 and 14:00 runs fell during run 1
            try await fixture.drain()
            let next = try await fixture.campaign(hourly.id)
            #expect(next.status == .scheduled && next.currentRun == 1)
            #expect(next.scheduledAt == EngineFixture.start.addingTimeInterval(3 * 3600), "the next run is 15:00, not 13:00")
            #expect(fixture.sender.sent.count == 5, "nobody was messaged for the skipped occurrences")
        }
    }

    @Test func quietHoursHoldInTheRecipientsOwnZone() async throws {
        try await EngineFixture.with(
            "quiet", customers: 2, configuration: EngineConfiguration(quietHours: .standard)
        ) { fixture in
            // 15:00Z: midnight in Tokyo (held), 08:00 in Los Angeles (allowed).
            fixture.clock.set(ISO8601DateFormatter().date(from: "2026-06-01T15:00:00Z")!)
            try await fixture.pool.withConnection { db in
                try await db.execute(
                    """
                    INSERT INTO wpe_bkntc_appointments (customer_id, status, starts_at, ends_at, created_at, client_timezone) VALUES
                      (1, 'approved', 1700000000, 1700003600, 1700000000, 'America/New_York'),
                      (1, 'approved', 1750000000, 1750003600, 1750000000, 'Asia/Tokyo'),
                      (2, 'approved', 1750000000, 1750003600, 1750000000, '-07:00')
                    """)
            }
            let campaign = try await fixture.queuedCampaign()
            let counts = try await fixture.drain()
            #expect(counts.sent == 1 && counts.held == 1)
            let rows = try await fixture.rows(campaign.id)
            // Held, not failed: last_error is for errors only (DESIGN §21).
            #expect(rows[0].status == "pending" && rows[0].error == nil && rows[0].attempts == 0)
            #expect(rows[0].next == ISO8601DateFormatter().date(from: "2026-06-01T23:00:00Z"), "08:00 in Tokyo")
            #expect(rows[1].status == "sent")
            let everything = AccessCheck(.read, in: .everything(planChannels: nil))
            let progress = try await fixture.campaigns.progress(scope: .singleSite, id: campaign.id, run: nil, access: everything).progress
            #expect(progress.waiting == 1 && progress.pending == 1 && progress.stage == .sending)
            #expect(progress.nextReleaseAt == ISO8601DateFormatter().date(from: "2026-06-01T23:00:00Z"))
            let logs = try await fixture.campaigns.logs(
                scope: .singleSite, id: campaign.id, run: nil, status: nil, page: PageRequest(page: 1, perPage: 10),
                access: AccessCheck(.logs, in: .everything(planChannels: nil)))
            #expect(logs.items.map(\.heldUntil) == [ISO8601DateFormatter().date(from: "2026-06-01T23:00:00Z"), nil])
            #expect(logs.items.map(\.lastError) == [nil, nil])
            // Email is never held.
            let email = try await fixture.queuedCampaign(.email)
            try await fixture.drain()
            #expect(try await fixture.rows(email.id).allSatisfy { $0.status == "sent" })
            // At the window's opening it goes out.
            fixture.clock.set(ISO8601DateFormatter().date(from: "2026-06-01T23:00:00Z")!)
            #expect(try await fixture.drain().sent == 1)
            let released = try await fixture.campaigns.progress(scope: .singleSite, id: campaign.id, run: nil, access: everything).progress
            #expect(released.waiting == 0 && released.nextReleaseAt == nil)
        }
    }

    @Test func expiredLeasesAreResolvedByLookupNeverBlindlyResent() async throws {
        try await EngineFixture.with("recovery", customers: 4) { fixture in
            let sms = try await fixture.queuedCampaign()
            let email = try await fixture.queuedCampaign(.email, name: "Mail")
            // A replica claims rows and dies before recording anything.
            try await fixture.enginePool.withConnection { db in
                let queue = MariaDBRecipientQueue(db: db, prefix: EngineFixture.prefix)
                _ = try await queue.claim(campaign: sms, limit: 10, worker: "dead", now: fixture.clock.now())
                _ = try await queue.claim(campaign: email, limit: 10, worker: "dead", now: fixture.clock.now())
            }
            // One of the SMS did reach the provider before the crash.
            fixture.sender.remember("+447700900002", id: "SMREACHED")
            // Within the lease nothing is touched.
            #expect(try await fixture.stores.withStore { try await fixture.engine.recover($0) } == 0)
            fixture.clock.advance(by: 121)
            #expect(try await fixture.stores.withStore { try await fixture.engine.recover($0) } == 8)
            let smsRows = try await fixture.rows(sms.id)
            #expect(smsRows.map(\.status) == ["pending", "sent", "pending", "pending"])
            #expect(smsRows.allSatisfy { $0.attempts == ($0.status == "sent" ? 1 : 0) }, "a row put back has not used an attempt")
            #expect(try await fixture.rows(email.id).allSatisfy { $0.status == "failed" && $0.error == "interrupted" })
            #expect(try await fixture.status(email.id) == .failed)
            try await fixture.drain()
            #expect(fixture.sender.sent.map(\.to).sorted() == ["+447700900001", "+447700900003", "+447700900004"])
            #expect(try await fixture.status(sms.id) == .completed)
        }
    }
}
