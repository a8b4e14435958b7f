import CampaignStore
import Campaigns
import Engine
import Foundation
import Logging
import MariaDB
import ServiceLifecycle
import TestSupport
import Testing

@Suite("Sending engine against MariaDB", .serialized)
struct EngineTests {
    @Test func everyRecipientGetsOneMessageAndTheCampaignCompletes() async throws {
        try await EngineFixture.with("complete", customers: 60) { fixture in
            let campaign = try await fixture.queuedCampaign()
            let counts = try await fixture.drain()
            #expect(counts.sent == 60)
            let sent = fixture.sender.sent
            #expect(sent.count == 60 && Set(sent.map(\.to)).count == 60)
            #expect(sent.contains { $0.to == "+447700900007" && $0.body == "Hi First7" })
            #expect(try await fixture.rows(campaign.id).allSatisfy { $0.status == "sent" && $0.attempts == 1 })
            #expect(try await fixture.status(campaign.id) == .completed)
            let progress = try await fixture.campaigns.progress(
                scope: .singleSite, id: campaign.id, run: nil, access: AccessCheck(.read, in: .everything(planChannels: nil))
            ).progress
            #expect(progress.sent == 60 && progress.pending == 0 && progress.stage == .done && progress.sentLastMinute == 60)
        }
    }

    @Test func aProviderThrottleWaitsOutRetryAfterWithoutUsingAnAttempt() async throws {
        let throttled = SendOutcome.throttled(code: "20429", retryAfter: 5)
        try await EngineFixture.with("throttle", customers: 1) { fixture in
            // Five 429s in a row, more than the retry policy allows failures: the row still goes out.
            fixture.sender.script("+447700900001", [throttled, throttled, throttled, throttled, throttled])
            let campaign = try await fixture.queuedCampaign()
            for round in 1...5 {
                try await fixture.drain()
                let row = try #require(try await fixture.rows(campaign.id).first)
                #expect(row.status == "pending" && row.attempts == 0, "round \(round): a 429 is not an attempt")
                #expect(row.next == fixture.clock.now().addingTimeInterval(5), "round \(round): it waits the Retry-After")
                fixture.clock.advance(by: 4)
                #expect(try await fixture.drain().sent == 0, "not a second early")
                fixture.clock.advance(by: 1)
            }
            try await fixture.drain()
            let row = try #require(try await fixture.rows(campaign.id).first)
            #expect(row.status == "sent" && row.attempts == 1)
            #expect(try await fixture.status(campaign.id) == .completed)
        }
    }

    @Test func aRecipientThrottledForEverEndsFailedAfterTheFreeThrottlesAndTheRetries() async throws {
        // Twilio answers 429 for this number every time: BKNTC_THROTTLE_RETRIES (2 here) are
        // free, then each 429 is a retryable failure on the retry delays, then the row fails.
        let configuration = EngineConfiguration(retry: RetryPolicy(delays: [10, 20]), quietHours: .never, throttleRetries: 2)
        try await EngineFixture.with("throttle_bound", customers: 2, configuration: configuration) { fixture in
            fixture.sender.script("+447700900001", Array(repeating: .throttled(code: "20429", retryAfter: 3), count: 20))
            let campaign = try await fixture.queuedCampaign()
            var expected: [(status: String, attempts: Int, wait: TimeInterval)] = [
                ("pending", 0, 3), ("pending", 0, 3), ("pending", 1, 10), ("pending", 2, 20),
            ]
            while !expected.isEmpty {
                try await fixture.drain()
                let step = expected.removeFirst()
                let row = try #require(try await fixture.rows(campaign.id).first)
                #expect(row.status == step.status && row.attempts == step.attempts, "\(row)")
                #expect(row.next == fixture.clock.now().addingTimeInterval(step.wait), "\(row)")
                fixture.clock.advance(by: step.wait)
            }
            try await fixture.drain()
            let row = try #require(try await fixture.rows(campaign.id).first)
            #expect(row.status == "failed" && row.attempts == 3 && row.error?.hasPrefix("20429") == true, "\(row)")
            #expect(try await fixture.status(campaign.id) == .completed, "the other recipient was sent; the campaign ends")
        }
    }

    @Test func retriesWaitForTheConfiguredDelaysThenFail() async throws {
        let failing = SendOutcome.retryable(code: "30003", message: "unreachable", retryAfter: nil)
        try await EngineFixture.with("retries", customers: 3) { fixture in
            fixture.sender.script("+447700900001", [failing, failing, failing])
            fixture.sender.script("+447700900002", [failing])
            fixture.sender.script("+447700900003", [.permanent(code: "21610", message: "unsubscribed", suppress: true)])
            let campaign = try await fixture.queuedCampaign()
            try await fixture.drain()
            var rows = try await fixture.rows(campaign.id)
            #expect(rows[0].status == "pending" && rows[0].attempts == 1)
            #expect(rows[0].next == EngineFixture.start.addingTimeInterval(120))
            #expect(rows[2].status == "failed" && rows[2].error?.hasPrefix("21610") == true, "permanent errors fail at once")
            // Not a second earlier than the delay.
            fixture.clock.advance(by: 119)
            #expect(try await fixture.drain().sent == 0)
            fixture.clock.advance(by: 1)
            try await fixture.drain()
            rows = try await fixture.rows(campaign.id)
            #expect(rows[0].status == "pending" && rows[0].attempts == 2)
            #expect(rows[0].next == EngineFixture.start.addingTimeInterval(120 + 240))
            #expect(rows[1].status == "sent" && rows[1].attempts == 2)
            fixture.clock.advance(by: 239)
            #expect(try await fixture.drain().failed == 0)
            fixture.clock.advance(by: 1)
            try await fixture.drain()
            rows = try await fixture.rows(campaign.id)
            #expect(rows[0].status == "failed" && rows[0].attempts == 3, "the failure after the last delay is permanent")
            #expect(try await fixture.status(campaign.id) == .completed)
            // 21610 (a STOP reply) put the address on the suppression list.
            let suppressed = try await fixture.pool.withConnection { db in
                try await db.query("SELECT address, reason FROM wpe_bkntc_campaign_suppressions").map {
                    (try $0.decode("address", as: String.self), try $0.decode("reason", as: String.self))
                }
            }
            #expect(suppressed.map(\.0) == ["+447700900003"] && suppressed.first?.1 == "STOP reply")
        }
    }

    @Test func customRetryDelaysAndRetryAfterNeverComeEarly() {
        let policy = RetryPolicy(delays: [5, 60, 600])
        let now = Date(timeIntervalSince1970: 1_000)
        #expect(policy.decide(failures: 1, now: now) == .retry(at: now.addingTimeInterval(5)))
        #expect(policy.decide(failures: 1, now: now, retryAfter: 30) == .retry(at: now.addingTimeInterval(30)))
        #expect(policy.decide(failures: 2, now: now, retryAfter: 1) == .retry(at: now.addingTimeInterval(60)))
        #expect(policy.decide(failures: 3, now: now) == .retry(at: now.addingTimeInterval(600)))
        #expect(policy.decide(failures: 4, now: now) == .giveUp)
        #expect(RetryPolicy(delays: []).decide(failures: 1, now: now) == .giveUp)
    }

    @Test func aSuppressionAddedAfterTheSnapshotStopsTheSend() async throws {
        try await EngineFixture.with("suppress", customers: 5) { fixture in
            let campaign = try await fixture.queuedCampaign()
            try await fixture.pool.withConnection { db in
                try await db.execute(
                    """
                    INSERT INTO wpe_bkntc_campaign_suppressions (tenant_key, channel, address, source, created_at)
                    VALUES (0, 'sms', '+447700900002', 'manual', \(EngineFixture.start))
                    """)
            }
            let counts = try await fixture.drain()
            #expect(counts.sent == 4 && counts.skipped == 1)
            let rows = try await fixture.rows(campaign.id)
            #expect(rows[1].status == "skipped" && rows[1].error == "suppressed" && rows[1].attempts == 0)
            #expect(!fixture.sender.sent.contains { $0.to == "+447700900002" })
        }
    }

    @Test func twoReplicasNeverClaimTheSameRow() async throws {
        try await EngineFixture.with("replicas", customers: 400) { fixture in
            fixture.sender.setDelay(.milliseconds(1))
            let campaign = try await fixture.queuedCampaign()
            var other = fixture.enginePool.configuration
            other.maxConnections = 2
            let secondPool = MariaDBPool(configuration: other, logger: TestDatabase.logger)
            let second = EngineFixture.make(
                pool: fixture.pool, enginePool: secondPool, configuration: EngineConfiguration(workerID: "replica-2", quietHours: .never),
                sender: fixture.sender, clock: fixture.clock)
            async let a = fixture.drain(limit: 7)
            async let b = second.drain(limit: 7)
            let (first, next) = try await (a, b)
            await secondPool.close()
            let sent = fixture.sender.sent.map(\.to)
            #expect(sent.count == 400, "every row was sent")
            #expect(Set(sent).count == 400, "no address was sent twice")
            #expect(first.sent > 0 && next.sent > 0, "both replicas took part (\(first.sent) / \(next.sent))")
            #expect(try await fixture.status(campaign.id) == .completed)
        }
    }

    @Test func pauseStopsClaimingAndResumeSendsTheRestOnce() async throws {
        try await EngineFixture.with("pause", customers: 300) { fixture in
            fixture.sender.setDelay(.milliseconds(2))
            let campaign = try await fixture.queuedCampaign()
            let wake = WakeSignal()
            let worker = Worker(engine: fixture.engine, stores: fixture.stores, wake: wake, logger: TestDatabase.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                while fixture.sender.sent.count < 40 { try await Task.sleep(for: .milliseconds(5)) }
                _ = try await fixture.campaigns.control(scope: .singleSite, id: campaign.id, .pause, access: EngineFixture.admin, by: nil)
                // In-flight rows finish; nothing new is claimed.
                try await waitUntil { try await fixture.rows(campaign.id).allSatisfy { $0.status != "sending" } }
                let pausedAt = fixture.sender.sent.count
                try await Task.sleep(for: .milliseconds(200))
                #expect(fixture.sender.sent.count == pausedAt, "a paused campaign sends nothing")
                #expect(try await fixture.rows(campaign.id).contains { $0.status == "pending" })
                _ = try await fixture.campaigns.control(scope: .singleSite, id: campaign.id, .resume, access: EngineFixture.admin, by: nil)
                wake.signal()
                try await waitUntil { try await fixture.status(campaign.id) == .completed }
                group.cancelAll()
            }
            let sent = fixture.sender.sent.map(\.to)
            #expect(sent.count == 300 && Set(sent).count == 300, "each recipient exactly once")
            #expect(try await fixture.rows(campaign.id).allSatisfy { $0.status == "sent" })
        }
    }

    @Test func cancelSkipsWhatIsPendingAndLetsInFlightRowsFinish() async throws {
        try await EngineFixture.with("cancel", customers: 200) { fixture in
            fixture.sender.setDelay(.milliseconds(2))
            let campaign = try await fixture.queuedCampaign()
            let worker = Worker(engine: fixture.engine, stores: fixture.stores, wake: WakeSignal(), logger: TestDatabase.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                while fixture.sender.sent.count < 30 { try await Task.sleep(for: .milliseconds(5)) }
                _ = try await fixture.campaigns.control(scope: .singleSite, id: campaign.id, .cancel, access: EngineFixture.admin, by: nil)
                try await waitUntil { try await fixture.rows(campaign.id).allSatisfy { $0.status != "sending" } }
                group.cancelAll()
            }
            let rows = try await fixture.rows(campaign.id)
            let sent = rows.filter { $0.status == "sent" }.count
            #expect(sent == fixture.sender.sent.count, "in-flight rows finished and were recorded")
            #expect(rows.filter { $0.status == "skipped" && $0.error == "cancelled" }.count == 200 - sent)
            #expect(try await fixture.status(campaign.id) == .cancelled)
        }
    }

    @Test func cronTicksSendFiveCampaignsOfTwentyFiveAndOverlappingTicksLock() async throws {
        try await EngineFixture.with("cron", customers: 30) { fixture in
            for index in 1...7 { _ = try await fixture.queuedCampaign(name: "Campaign \(index)") }
            let tick = CronTick(engine: fixture.engine, stores: fixture.stores, wake: nil)
            let report = try await tick.run(mode: .cron)
            #expect(report.locked == false && report.campaigns == 5 && report.sent == 125, "\(report)")
            // Another holder of the lock: the tick answers at once, with zero counts.
            let lockName = "bkntc_campaigns_tick:\(fixture.pool.configuration.database):wpe_".prefix(64).description
            try await fixture.pool.withConnection { db in
                #expect(try await db.queryFirst("SELECT GET_LOCK(\(lockName), 0) AS got")?.decode("got", as: Int.self) == 1)
                let locked = try await tick.run(mode: .cron)
                #expect(locked.locked && locked.sent == 0 && locked.campaigns == 0)
                _ = try await db.query("SELECT RELEASE_LOCK(\(lockName)) AS released")
            }
            let worker = try await tick.run(mode: .worker)
            #expect(worker.mode == .worker && worker.sent == 0, "worker mode only activates and wakes")
        }
    }
}

/// Polls `condition` every 10 ms for up to `timeout`.
func waitUntil(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition not met within \(timeout)")
}
