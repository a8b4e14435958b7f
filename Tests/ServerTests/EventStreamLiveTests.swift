import CampaignStore
import Campaigns
import Engine
import Foundation
import HummingbirdTesting
import Logging
import MariaDB
import Server
import TestSupport
import Testing

/// Progress events on MariaDB with two replicas (DESIGN §17): the replica that serves the
/// stream does not send (no engine); the other one's worker sends. The stream, read over real
/// HTTP, follows the other replica's progress and ends with `done`.
@Suite("Progress events across replicas", .serialized)
struct EventStreamLiveTests {
    /// What a stream showed: its first event (read before the send) and every event to the end.
    struct Streamed: Sendable {
        let id: Int
        let opening: JSONValue
        let text: String
        var events: [SSE.Event] { SSE.events(text) }
    }

    /// The two-replica setup both tests share: `extra` more email customers in tenant 1
    /// (`<tag><n>.t1@example.com`), the object made by POSTing `body` to `/api/v1/<kind>` on the
    /// streaming replica (another tenant's owner gets 404 for its stream), its stream opened and
    /// its first event read; then the sending replica (outbox provider, batches of 5 at `rate`
    /// a second) sends it, and `check` gets the stream read to its end, with the sending
    /// replica's client. The stream's events always start with `progress`, end with one `done`
    /// and count their ids from 1.
    static func whileTheOtherReplicaSends(
        _ label: String, kind: String, body: String, extra: ClosedRange<Int>, tag: String, rate: Double,
        _ check: @escaping @Sendable (Streamed, any TestClientProtocol) async throws -> Void
    ) async throws {
        let (pool, streaming) = try await APIFixture.make(label)
        var failure: (any Error)?
        do {
            try await pool.withConnection { db in
                for n in extra {
                    try await db.execute(
                        "INSERT INTO wpa_bkntc_customers (first_name, last_name, email, tenant_id) VALUES (\("Cus\(n)"), 'T1', \("\(tag)\(n).t1@example.com"), 1)"
                    )
                }
            }
            var config = ServiceConfiguration(
                database: pool.configuration, prefix: APIFixture.prefix, saas: true, secret: APIFixture.secret, provider: .outbox,
                defaultCountryCode: "44", batchSize: 5, rateLimit: rate, apiRateLimit: 100_000, apiRateBurst: 100_000)
            config.quietHours = .never
            let sendingConfig = config
            var logger = Logger(label: "events-engine")
            logger.logLevel = .warning
            let engineLogger = logger
            try await APIFixture.withServer(streaming) { client in
                let created = try await APIFixture.call(client, .post, "/api/v1/\(kind)", tenant: 1, user: 10, body: body)
                let id = try #require(created.json?["id"]?.integerValue, "\(String(describing: created.json))")
                let path = "/api/v1/\(kind)/\(id)/events"
                #expect(try await APIFixture.call(client, .get, path, tenant: 2, user: 20).status == 404)
                let reader = try RawHTTPReader(
                    port: try #require(client.port), path: path, headers: APIFixture.signed(.get, path, tenant: 1, user: 10))
                defer { reader.close() }
                _ = try await reader.read(until: "}\n\n")
                let opening = try #require(SSE.events(reader.text).first?.json)
                try await ProviderFlowTests.withSendingServer(sendingConfig, pool: pool, engineLogger: engineLogger) { sender in
                    let sent = try await APIFixture.call(sender, .post, "/api/v1/\(kind)/\(id)/send", tenant: 1, user: 10)
                    #expect(sent.status == 200, "\(String(describing: sent.json))")
                    let streamed = Streamed(id: id, opening: opening, text: try await reader.readToEnd())
                    let events = streamed.events
                    #expect(events.first?.name == "progress" && events.last?.name == "done", "\(streamed.text)")
                    #expect(events.compactMap(\.id) == Array(1...events.count))
                    #expect(events.filter { $0.name == "done" }.count == 1)
                    try await check(streamed, sender)
                }
            }
        } catch {
            failure = error
        }
        await TestDatabase.drop(pool)
        if let failure { throw failure }
    }

    @Test func aReplicaThatDoesNotSendStreamsTheOtherOnesProgressUntilDone() async throws {
        // 30 email recipients in tenant 1, sent by the other replica at 10 a second.
        try await Self.whileTheOtherReplicaSends(
            "events_replicas", kind: "campaigns",
            body: #"{"channel":"email","name":"Live","subject":"S","segment":{"type":"all_customers"},"body":"Hi"}"#, extra: 7...30,
            tag: "c", rate: 10
        ) { streamed, _ in
            #expect(streamed.opening["status"]?.stringValue == "draft")
            let events = streamed.events
            let final = try #require(events.last?.json)
            #expect(final["status"]?.stringValue == "completed" && final["sent"]?.integerValue == 30, "\(final)")
            // The stream followed the other replica's run on the way (the worker claims the
            // rows in a few batches: they show as sending, then sent).
            let running = events.dropFirst().dropLast().compactMap { $0.json?["status"]?.stringValue }
            #expect(running.contains { $0 == "queued" || $0 == "sending" }, "\(streamed.text)")
            let sentSeen = events.compactMap { $0.json?["sent"]?.integerValue }
            #expect(sentSeen == sentSeen.sorted())
        }
    }

    /// A broadcast's stream (DESIGN §14, §17): the summed progress with a line per channel,
    /// followed on a replica that does not send until every channel has ended (`all` mode: the
    /// fixture's 6 customers with a phone get the SMS, its 6 and 12 more with an email the email).
    @Test func aBroadcastsStreamSumsItsChannelsAndEndsWhenEveryChannelHasEnded() async throws {
        try await Self.whileTheOtherReplicaSends(
            "events_broadcast", kind: "broadcasts",
            body:
                #"{"name":"Both","channels":["sms","email"],"mode":"all","segment":{"type":"all_customers"},"content":{"sms":{"body":"Hi"},"email":{"subject":"S","body":"Hi"}}}"#,
            extra: 7...18, tag: "b", rate: 20
        ) { streamed, sender in
            #expect(streamed.opening["status"]?.stringValue == "draft")
            #expect(streamed.opening["channels"]?["sms"]?["status"]?.stringValue == "draft", "\(streamed.opening)")
            let final = try #require(streamed.events.last?.json)
            #expect(final["status"]?.stringValue == "completed" && final["sent"]?.integerValue == 24, "\(final)")
            #expect(final["channels"]?["email"]?["status"]?.stringValue == "completed")
            #expect(final["channels"]?["email"]?["sent"]?.integerValue == 18)
            #expect(final["channels"]?["sms"]?["status"]?.stringValue == "completed")
            #expect(final["channels"]?["sms"]?["sent"]?.integerValue == 6)
            // The data is the broadcast's /progress answer, byte for byte.
            let progress = try await APIFixture.call(sender, .get, "/api/v1/broadcasts/\(streamed.id)/progress", tenant: 1, user: 10)
            #expect(streamed.events.last?.json == progress.json)
        }
    }
}
