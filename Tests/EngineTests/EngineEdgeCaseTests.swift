import CampaignStore
import Campaigns
import Engine
import Foundation
import Logging
import MariaDB
import ServiceLifecycle
import TestSupport
import Testing

/// What the review of the engine found, each as a test.
@Suite("Engine edge cases against MariaDB", .serialized)
struct EngineEdgeCaseTests {
    @Test func aLateBatchCannotOverwriteWhatRecoveryDecided() async throws {
        try await EngineFixture.with("late", customers: 2) { fixture in
            let campaign = try await fixture.queuedCampaign()
            let claimed = try await fixture.enginePool.withConnection { db in
                try await MariaDBRecipientQueue(db: db, prefix: EngineFixture.prefix).claim(
                    campaign: campaign, limit: 10, worker: "slow", now: fixture.clock.now())
            }
            fixture.clock.advance(by: 121)
            #expect(try await fixture.stores.withStore { try await fixture.engine.recover($0) } == 2)  // not found → pending
            // The slow batch finally reports: its claim no longer holds, so nothing changes.
            try await fixture.enginePool.withConnection { db in
                try await MariaDBRecipientQueue(db: db, prefix: EngineFixture.prefix).record(
                    claimed.map { .sent(id: $0.id, providerID: "LATE") }, claimToken: claimed[0].claimToken, now: fixture.clock.now())
            }
            #expect(try await fixture.rows(campaign.id).allSatisfy { $0.status == "pending" && $0.attempts == 0 })
            try await fixture.drain()
            #expect(fixture.sender.sent.count == 2)
            #expect(try await fixture.status(campaign.id) == .completed)
        }
    }

    @Test func editsWaitForRowsInFlightAndCountThemAsAttempted() async throws {
        try await EngineFixture.with("editlock", customers: 3) { fixture in
            let campaign = try await fixture.queuedCampaign()
            _ = try await fixture.campaigns.control(scope: .singleSite, id: campaign.id, .pause, access: EngineFixture.admin, by: nil)
            try await fixture.pool.withConnection { db in
                try await db.execute("UPDATE wpe_bkntc_campaign_logs SET status = 'sending' WHERE campaign_id = \(campaign.id) ORDER BY id LIMIT 1")
            }
            let draft = CampaignDraft(channel: .sms, name: "Again", segment: Segment(type: .allCustomers), body: "Hi")
            let edit = AccessCheck(.create, in: .everything(planChannels: nil))
            await #expect(throws: DomainError.self) {
                try await fixture.campaigns.update(scope: .singleSite, id: campaign.id, draft: draft, access: edit, by: nil)
            }
            // Sent but not yet counted as an attempt (its batch has not recorded): still a send.
            try await fixture.pool.withConnection { db in
                try await db.execute("UPDATE wpe_bkntc_campaign_logs SET status = 'sent' WHERE campaign_id = \(campaign.id) AND status = 'sending'")
            }
            do {
                _ = try await fixture.campaigns.update(scope: .singleSite, id: campaign.id, draft: draft, access: edit, by: nil)
                Issue.record("an edit after a send must be refused")
            } catch let error as DomainError {
                #expect(error == .conflict(.campaignHasSends, message: error.message))
            }
            #expect(try await fixture.rows(campaign.id).count == 3, "no log was deleted")
        }
    }

    @Test func aRecurringRunWithNobodyToMessageKeepsTheAutomationGoing() async throws {
        try await EngineFixture.with("emptyrun", customers: 0) { fixture in
            let later = EngineFixture.start.addingTimeInterval(60)
            let daily = try await fixture.queuedCampaign(name: "Daily", recurrence: "0 9 * * *", scheduledAt: later)
            fixture.clock.advance(by: 120)
            let tick = CronTick(engine: fixture.engine, stores: fixture.stores, wake: nil)
            #expect(try await tick.run(mode: .cron).activated == 1)
            let after = try await fixture.campaign(daily.id)
            #expect(after.status == .scheduled && after.scheduledAt == ISO8601DateFormatter().date(from: "2026-06-02T09:00:00Z"))
        }
    }

    @Test func rateSlotsAreOnlyReservedWithinTheLease() async throws {
        try await EngineFixture.with("slots", customers: 1) { fixture in
            let now = fixture.clock.now()
            try await fixture.enginePool.withConnection { db in
                let queue = MariaDBRateSlots(db: db, prefix: EngineFixture.prefix)
                let first = try await queue.reserveSlots(sender: "s", count: 100, rate: 1, now: now, deadline: now.addingTimeInterval(9))
                #expect(first.count == 10 && first.start == now)
                let second = try await queue.reserveSlots(sender: "s", count: 100, rate: 1, now: now, deadline: now.addingTimeInterval(9))
                #expect(second.count == 0, "nothing fits: the pointer does not run away")
                let third = try await queue.reserveSlots(sender: "s", count: 5, rate: 1, now: now, deadline: now.addingTimeInterval(60))
                #expect(third.start == now.addingTimeInterval(10) && third.count == 5)
            }
        }
    }
}
