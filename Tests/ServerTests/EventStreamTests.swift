import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryStores
import Server
import TestSupport
import Testing

/// `GET /api/v1/campaigns/{id}/events` on the in-memory service over real HTTP (DESIGN §17):
/// the framing, the thresholds, keep-alives, the shared reads and the refusals.
@Suite("Progress events (in memory)", .serialized)
struct EventStreamTests {
    static let body = #"{"channel":"email","name":"Live","subject":"S","segment":{"type":"all_customers"},"body":"B"}"#

    /// The in-memory service with fast intervals: reads every 20 ms while sending, 40 ms
    /// otherwise, and a keep-alive after 100 ms of silence.
    static func dependencies(_ clock: ManualClock) -> (AppDependencies, InMemoryCampaignRepository) {
        let campaigns = InMemoryCampaignRepository(clock: clock, recipients: RouterTests.recipients)
        var deps = RouterTests.dependencies(clock: clock, campaigns: campaigns)
        deps.progressHub = ProgressHub(activeInterval: .milliseconds(20), idleInterval: .milliseconds(40))
        deps.eventKeepAlive = .milliseconds(100)
        return (deps, campaigns)
    }

    static func withService(
        _ body: @escaping @Sendable (any TestClientProtocol, AppDependencies, InMemoryCampaignRepository, ManualClock) async throws -> Void
    ) async throws {
        let clock = ManualClock(Date())
        let (deps, campaigns) = dependencies(clock)
        let app = Application(router: buildRouter(deps).router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(client, deps, campaigns, clock) }
    }

    /// A campaign of the 25 in-memory recipients, sent (queued) unless `send` is false.
    static func campaign(_ client: any TestClientProtocol, _ clock: ManualClock, send: Bool = true) async throws -> Int {
        let created = try await RouterTests.call(client, .post, "/api/v1/campaigns", body: body, clock: clock)
        let id = try #require(created.json?["id"]?.integerValue)
        if send { #expect(try await RouterTests.call(client, .post, "/api/v1/campaigns/\(id)/send", clock: clock).status == 200) }
        return id
    }

    static func open(_ client: any TestClientProtocol, _ clock: ManualClock, id: Int, user: Int = RouterTests.admin) throws -> RawHTTPReader {
        let path = "/api/v1/campaigns/\(id)/events?r=\(UUID().uuidString)"
        let headers = APIFixture.signed(.get, path, tenant: nil, user: user, timestamp: Int(clock.now().timeIntervalSince1970))
        return try RawHTTPReader(port: try #require(client.port), path: path, headers: headers)
    }

    @Test func progressComesFirstThenMovesByFiveThenDoneClosesTheStream() async throws {
        try await Self.withService { client, _, campaigns, clock in
            let id = try await Self.campaign(client, clock)
            let reader = try Self.open(client, clock, id: id)
            defer { reader.close() }
            let head = try await reader.read(until: "}\n\n")
            #expect(head.hasPrefix("HTTP/1.1 200"))
            let lowered = head.lowercased()
            #expect(lowered.contains("content-type: text/event-stream"))
            #expect(lowered.contains("cache-control: no-store"))
            #expect(lowered.contains("x-accel-buffering: no"))
            // The first rows go out: the status changes (queued → sending), an event.
            campaigns.settle(id, count: 4)
            _ = try await reader.read(until: "\"sent\":4")
            // Four more: under the threshold of five, so only keep-alives follow.
            let quiet = SSE.keepAlives(reader.text)
            campaigns.settle(id, count: 4)
            _ = try await reader.read { SSE.keepAlives($0) > quiet + 1 }
            #expect(SSE.events(reader.text).count == 2)
            // One more makes five since the last event: another progress.
            campaigns.settle(id, count: 1)
            _ = try await reader.read(until: "\"sent\":9")
            campaigns.settle(id, count: 25)
            let all = try await reader.readToEnd()
            let events = SSE.events(all)
            #expect(events.first?.name == "progress" && events.first?.json?["sent"]?.integerValue == 0)
            #expect(events.first?.json?["status"]?.stringValue == "queued" && events.first?.json?["total"]?.integerValue == 25)
            #expect(events.map(\.name) == ["progress", "progress", "progress", "done"], "\(all)")
            #expect(events.map(\.id) == [1, 2, 3, 4])
            #expect(events.compactMap { $0.json?["sent"]?.integerValue } == [0, 4, 9, 25])
            #expect(events.dropFirst().prefix(2).compactMap { $0.json?["status"]?.stringValue } == ["sending", "sending"])
            #expect(events.last?.json?["status"]?.stringValue == "completed" && events.last?.json?["sent"]?.integerValue == 25)
            #expect(events.last?.json?["stage"]?.stringValue == "done")
            // The data is the /progress answer, byte for byte.
            let progress = try await RouterTests.call(client, .get, "/api/v1/campaigns/\(id)/progress", clock: clock)
            #expect(events.last?.json == progress.json)
            #expect(all.hasSuffix("0\r\n\r\n"), "the chunked body ends")
        }
    }

    @Test func anEndedCampaignAnswersProgressAndDoneAtOnce() async throws {
        try await Self.withService { client, _, campaigns, clock in
            let id = try await Self.campaign(client, clock)
            campaigns.settle(id, count: 25, as: .failed)
            let reader = try Self.open(client, clock, id: id)
            defer { reader.close() }
            let events = SSE.events(try await reader.readToEnd())
            #expect(events.map(\.name) == ["progress", "done"] && events.map(\.id) == [1, 2])
            #expect(events.last?.json?["failed"]?.integerValue == 25)
        }
    }

    @Test func aStatusChangeIsAnEventEvenWithoutMovement() async throws {
        try await Self.withService { client, _, _, clock in
            let id = try await Self.campaign(client, clock, send: false)
            let reader = try Self.open(client, clock, id: id)
            defer { reader.close() }
            _ = try await reader.read(until: "\"status\":\"draft\"")
            #expect(try await RouterTests.call(client, .post, "/api/v1/campaigns/\(id)/send", clock: clock).status == 200)
            _ = try await reader.read(until: "\"status\":\"queued\"")
            #expect(try await RouterTests.call(client, .post, "/api/v1/campaigns/\(id)/cancel", clock: clock).status == 200)
            let events = SSE.events(try await reader.readToEnd())
            #expect(events.map(\.name) == ["progress", "progress", "done"])
            #expect(events.compactMap { $0.json?["status"]?.stringValue } == ["draft", "queued", "cancelled"])
        }
    }

    @Test func subscribersOfOneCampaignShareOneReadPerInterval() async throws {
        try await Self.withService { client, deps, campaigns, clock in
            let id = try await Self.campaign(client, clock)
            var readers: [RawHTTPReader] = []
            for _ in 0..<10 {
                let reader = try Self.open(client, clock, id: id)
                _ = try await reader.read(until: "event: progress")
                readers.append(reader)
            }
            let topic = ProgressHub.Topic(kind: "campaign", scope: .singleSite, id: id)
            // Each stream subscribes right after its first event: wait for the last one.
            let joining = ContinuousClock.now
            while await deps.progressHub.subscriberCounts() != [topic: 10], ContinuousClock.now - joining < .seconds(2) {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(await deps.progressHub.subscriberCounts() == [topic: 10])
            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains("bkntc_event_streams 10") && metrics.contains("bkntc_event_pollers 1"), "\(metrics.prefix(2000))")
            let before = campaigns.progressReads
            try await Task.sleep(for: .milliseconds(500))
            let reads = campaigns.progressReads - before
            // One poller reading every 20 ms: about 25 reads in 500 ms, not 10 × 25.
            #expect(reads >= 5 && reads <= 30, "\(reads) reads")
            #expect(await deps.progressHub.reads(of: topic) >= reads)
            // The clients leave: the next keep-alive write fails and the poller stops.
            for reader in readers { reader.close() }
            let started = ContinuousClock.now
            while await !deps.progressHub.subscriberCounts().isEmpty, ContinuousClock.now - started < .seconds(5) {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(await deps.progressHub.subscriberCounts().isEmpty)
            let after = campaigns.progressReads
            try await Task.sleep(for: .milliseconds(200))
            #expect(campaigns.progressReads == after, "no reads without subscribers")
        }
    }

    @Test func shutdownEndsAnOpenStreamPromptly() async throws {
        let holder = ReaderHolder()
        let started = ContinuousClock.now
        try await Self.withService { client, _, _, clock in
            // A draft's stream stays open; the client keeps reading and never leaves.
            let id = try await Self.campaign(client, clock, send: false)
            let reader = try Self.open(client, clock, id: id)
            holder.reader = reader
            _ = try await reader.read(until: ": keep-alive")
        }
        // The server's graceful shutdown finished the stream (the chunked body ends).
        let rest = try await holder.reader?.readToEnd() ?? ""
        holder.reader?.close()
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(rest.hasSuffix("0\r\n\r\n"), "\(rest.suffix(80))")
    }

    @Test func aStreamThatKeepsWritingOutlivesTheIdleTimeout() async throws {
        // BKNTC_HTTP_IDLE_TIMEOUT at 1 s, keep-alives every 100 ms: the stream stays open for
        // three timeouts, because each completed write restarts the clock (DESIGN §13).
        let clock = ManualClock(Date())
        let (deps, _) = Self.dependencies(clock)
        let app = Application(
            router: buildRouter(deps).router, server: .closingHTTP1(configuration: .init(idleTimeout: .seconds(1))),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let id = try await Self.campaign(client, clock, send: false)
            let reader = try Self.open(client, clock, id: id)
            defer { reader.close() }
            _ = try await reader.read(until: "}\n\n")
            let started = ContinuousClock.now
            let text = try await reader.read { _ in ContinuousClock.now - started > .seconds(3) }
            #expect(SSE.keepAlives(text) >= 20, "keep-alives kept coming for 3 s")
            #expect(!text.hasSuffix("0\r\n\r\n"), "the stream is still open")
            let more = SSE.keepAlives(text)
            #expect(SSE.keepAlives(try await reader.read { SSE.keepAlives($0) > more }) > more)
        }
    }

    @Test func aDeletedCampaignsStreamCloses() async throws {
        try await Self.withService { client, deps, _, clock in
            let id = try await Self.campaign(client, clock, send: false)
            let reader = try Self.open(client, clock, id: id)
            defer { reader.close() }
            _ = try await reader.read(until: "}\n\n")
            #expect(try await RouterTests.call(client, .delete, "/api/v1/campaigns/\(id)", clock: clock).status == 204)
            let all = try await reader.readToEnd()
            #expect(all.hasSuffix("0\r\n\r\n"), "the chunked body ends")
            #expect(SSE.events(all).map(\.name) == ["progress"], "no done for a campaign that is gone")
            #expect(await deps.progressHub.subscriberCounts().isEmpty)
        }
    }

    @Test func refusalsComeAsJSONBeforeTheStream() async throws {
        try await Self.withService { client, _, _, clock in
            let id = try await Self.campaign(client, clock)
            let missing = try await RouterTests.call(client, .get, "/api/v1/campaigns/9999/events", clock: clock)
            #expect(missing.status == 404 && missing.json?["error"]?["code"]?.stringValue == "not_found")
            let denied = try await RouterTests.call(client, .get, "/api/v1/campaigns/\(id)/events", user: RouterTests.nobody, clock: clock)
            #expect(denied.status == 403)
            let unsigned = try await client.execute(uri: "/api/v1/campaigns/\(id)/events", method: .get) { $0.status.code }
            #expect(unsigned == 401)
            let malformed = try await RouterTests.call(client, .get, "/api/v1/campaigns/abc/events", clock: clock)
            #expect(malformed.status == 404)
        }
    }

    @Test func theThresholdAndSpacingRule() {
        let policy = ProgressEventPolicy()
        let base = ProgressFrame(data: "{}", moved: 10, status: "sending", stage: "sending", ended: false, active: true, channels: [.sms])
        var moved = base
        moved.moved = 14
        #expect(!policy.shouldSend(moved, after: base, elapsed: .seconds(1)))
        moved.moved = 15
        #expect(policy.shouldSend(moved, after: base, elapsed: .seconds(1)))
        #expect(!policy.shouldSend(moved, after: base, elapsed: .milliseconds(100)), "at most every 250 ms")
        var paused = base
        paused.status = "paused"
        #expect(policy.shouldSend(paused, after: base, elapsed: .milliseconds(250)))
    }
}

/// Server-sent events as a test reads them from the raw (chunked) answer.
enum SSE {
    struct Event {
        let name: String
        let id: Int?
        let data: String
        var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(data.utf8)) }
    }

    /// How many `: keep-alive` comments `text` holds.
    static func keepAlives(_ text: String) -> Int { text.components(separatedBy: ": keep-alive\n\n").count - 1 }

    /// The events in `text`, in order (comments and chunk-size lines are skipped).
    static func events(_ text: String) -> [Event] {
        var events: [Event] = []
        var name: String?
        var id: Int?
        // "\r\n" (the chunk framing) is one Character in Swift: split on scalars.
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines {
            if line.hasPrefix("event: ") {
                name = String(line.dropFirst(7))
            } else if line.hasPrefix("id: ") {
                id = Int(line.dropFirst(4))
            } else if line.hasPrefix("data: "), let current = name {
                events.append(Event(name: current, id: id, data: String(line.dropFirst(6))))
                name = nil
                id = nil
            }
        }
        return events
    }
}

/// Keeps a reader past the service's lifetime.
final class ReaderHolder: @unchecked Sendable {
    var reader: RawHTTPReader?
}
