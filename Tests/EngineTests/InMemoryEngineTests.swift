import Campaigns
import Engine
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

/// The engine's decisions on the in-memory store: no database, milliseconds per test.
@Suite("Sending engine on the in-memory store")
struct InMemoryEngineTests {
    static func campaign(_ id: Int, channel: Channel = .sms) -> Campaign {
        Campaign(
            id: id, channel: channel, name: "C\(id)", status: .queued, statusReason: nil, segment: Segment(type: .allCustomers),
            filters: SegmentFilters(), templateID: nil, subject: channel == .email ? "S" : nil, body: "Hi {customer_first_name}",
            contentSID: nil, contentVariables: nil, scheduledAt: nil, recurrence: nil, currentRun: 1, totalCount: 0, createdBy: nil,
            createdAt: Date(), updatedAt: Date(), startedAt: nil, finishedAt: nil)
    }

    static func engine(_ sender: FakeSender, clock: ManualClock, retry: [Int] = [120, 240]) -> SendingEngine {
        var logger = Logger(label: "in-memory-engine")
        logger.logLevel = .warning
        return SendingEngine(
            configuration: EngineConfiguration(retry: RetryPolicy(delays: retry), concurrency: 8, quietHours: .never),
            sender: sender, clock: clock, logger: logger)
    }

    static func drain(_ engine: SendingEngine, _ store: InMemoryEngineStore) async throws -> SendCounts {
        var total = SendCounts()
        for _ in 0..<50 {
            let active = try await engine.activeCampaigns(EngineStore(store), limit: 10)
            if active.isEmpty { break }
            for campaign in active { total = total + (try await engine.processBatch(EngineStore(store), campaign: campaign, limit: 7)) }
        }
        return total
    }

    @Test func everyRowReachesOneOutcome() async throws {
        let store = InMemoryEngineStore()
        let sender = FakeSender()
        let clock = ManualClock()
        let addresses = (1...30).map { String(format: "+4477009%05d", $0) }
        store.addCampaign(Self.campaign(1), addresses: addresses)
        store.suppress(addresses[4])
        sender.script(addresses[9], [.permanent(code: "21211", message: "invalid", suppress: false)])
        sender.script(addresses[19], [.retryable(code: "30003", message: "unreachable", retryAfter: nil)])
        let engine = Self.engine(sender, clock: clock)
        let counts = try await Self.drain(engine, store)
        #expect(counts.sent == 27 && counts.skipped == 1 && counts.failed == 1 && counts.retrying == 1)
        #expect(store.rows.first { $0.address == addresses[19] }?.nextAttemptAt == clock.now().addingTimeInterval(120))
        #expect(store.status(of: 1) == .sending, "a row still waits for its retry")
        clock.advance(by: 120)
        #expect(try await Self.drain(engine, store).sent == 1)
        #expect(store.status(of: 1) == .completed)
        #expect(Set(sender.sent.map(\.to)).count == sender.sent.count, "nobody twice")
        #expect(store.rows.allSatisfy { $0.status.isTerminal })
    }

    @Test func unreadableProviderSettingsFailNobody() async throws {
        // Under an API overload (or a database restart) the sender may not read the tenant's
        // provider settings: that is not "not configured", so nothing is claimed or failed.
        let store = InMemoryEngineStore()
        let sender = SettingsOutageSender()
        let clock = ManualClock()
        store.addCampaign(Self.campaign(1), addresses: (1...5).map { String(format: "+4477009%05d", $0) })
        let engine = Self.engine(sender.inner, clock: clock)
        let waiting = SendingEngine(configuration: engine.configuration, sender: sender, clock: clock, logger: Logger(label: "outage"))
        #expect(try await Self.drain(waiting, store) == SendCounts())
        #expect(store.rows.allSatisfy { $0.status == .pending }, "nothing failed, nothing is left leased")
        #expect(store.status(of: 1) == .queued)
        sender.readable.store(true, ordering: .relaxed)
        #expect(try await Self.drain(waiting, store).sent == 5)
        #expect(store.status(of: 1) == .completed)
    }

    @Test func aPausedCampaignIsNotClaimedAndAnUnknownOutcomeIsLookedUp() async throws {
        let store = InMemoryEngineStore()
        let sender = FakeSender()
        let clock = ManualClock()
        store.addCampaign(Self.campaign(1), addresses: ["+447700900001", "+447700900002"])
        store.setStatus(.paused, of: 1)
        let engine = Self.engine(sender, clock: clock)
        #expect(try await Self.drain(engine, store).sent == 0)
        store.setStatus(.queued, of: 1)
        // A timeout after the provider accepted: the lookup finds it, so it is not sent again.
        sender.remember("+447700900001", id: "SMEARLIER")
        sender.script("+447700900001", [.unknown(code: "timeout", message: "no answer")])
        #expect(try await Self.drain(engine, store).sent == 2)
        #expect(store.rows.first?.providerID == "SMEARLIER")
        #expect(sender.sent.map(\.to) == ["+447700900002"])
    }

    @Test func aSlowCallIsHandedToTheStragglersAndRecordedWhenItEnds() async throws {
        // One call hangs: the batch records the others at once and hands that one off, so the
        // lane can claim again; the straggler is recorded, under the batch's claim, when it ends.
        let store = InMemoryEngineStore()
        let clock = ManualClock()
        let addresses = (1...5).map { String(format: "+4477009%05d", $0) }
        store.addCampaign(Self.campaign(1), addresses: addresses)
        let sender = SlowAddressSender(slow: addresses[2], delay: .milliseconds(600))
        let engine = Self.engine(sender.inner, clock: clock)
        let slowEngine = SendingEngine(configuration: engine.configuration, sender: sender, clock: clock, logger: Logger(label: "slow"))
        let stragglers = Stragglers(stores: store, patience: .milliseconds(50))
        let counts = try await slowEngine.processBatch(EngineStore(store), campaign: Self.campaign(1), limit: 10, stragglers: stragglers)
        #expect(counts.sent == 4, "the batch did not wait for the slow call")
        #expect(store.rows.first { $0.address == addresses[2] }?.status == .sending)
        #expect(stragglers.count == 1)
        await stragglers.drain()
        #expect(store.rows.allSatisfy { $0.status == .sent })
        #expect(store.status(of: 1) == .completed)
        #expect(sender.inner.sent.count == 5, "each message once")
    }

    @Test func theCronTickIsExclusive() async throws {
        let store = InMemoryEngineStore()
        let engine = Self.engine(FakeSender(), clock: ManualClock())
        let tick = CronTick(engine: engine, stores: store, wake: nil)
        let inner = try await store.withLock(store.tickLockName) { _ in try await tick.run(mode: .cron) }
        #expect(inner?.locked == true)
        #expect(try await tick.run(mode: .cron).locked == false)
    }
}

/// A sender whose provider settings cannot be read until `readable` is set.
final class SettingsOutageSender: MessageSender {
    let inner = FakeSender()
    let readable = Atomic<Bool>(false)

    func profile(scope: TenantScope, channel: Channel) async -> SenderProfile {
        SenderProfile(key: "\(scope.key)/\(channel.rawValue)", readiness: readable.load(ordering: .relaxed) ? .ready : .unavailable)
    }

    func send(_ message: OutgoingMessage) async -> SendOutcome { await inner.send(message) }
    func lookup(_ message: OutgoingMessage) async -> LookupOutcome { await inner.lookup(message) }
}

/// A provider double whose calls to one address take `delay`.
final class SlowAddressSender: MessageSender {
    let inner = FakeSender()
    let slow: String
    let delay: Duration

    init(slow: String, delay: Duration) {
        self.slow = slow
        self.delay = delay
    }

    func profile(scope: TenantScope, channel: Channel) async -> SenderProfile { await inner.profile(scope: scope, channel: channel) }

    func send(_ message: OutgoingMessage) async -> SendOutcome {
        if message.to == slow { try? await Task.sleep(for: delay) }
        return await inner.send(message)
    }

    func lookup(_ message: OutgoingMessage) async -> LookupOutcome { await inner.lookup(message) }
}
