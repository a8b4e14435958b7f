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
    @Test func aReplicaThatDoesNotSendStreamsTheOtherOnesProgressUntilDone() async throws {
        let (pool, streaming) = try await APIFixture.make("events_replicas")
        var logger = Logger(label: "events-engine")
        logger.logLevel = .warning
        var failure: (any Error)?
        do {
            // 30 email recipients in tenant 1, sent by the other replica at 10 a second.
            try await pool.withConnection { db in
                for n in 7...30 {
                    try await db.execute(
                        "INSERT INTO wpa_bkntc_customers (first_name, last_name, email, tenant_id) VALUES (\("Cus\(n)"), 'T1', \("c\(n).t1@example.com"), 1)"
                    )
                }
            }
            var config = ServiceConfiguration(
                database: pool.configuration, prefix: APIFixture.prefix, saas: true, secret: APIFixture.secret, provider: .outbox,
                defaultCountryCode: "44", batchSize: 5, rateLimit: 10, apiRateLimit: 100_000, apiRateBurst: 100_000)
            config.quietHours = .never
            let sendingConfig = config
            let engineLogger = logger
            try await APIFixture.withServer(streaming) { client in
                let created = try await APIFixture.call(
                    client, .post, "/api/v1/campaigns", tenant: 1, user: 10,
                    body: #"{"channel":"email","name":"Live","subject":"S","segment":{"type":"all_customers"},"body":"Hi"}"#)
                let id = try #require(created.json?["id"]?.integerValue)
                // Another tenant's owner: 404 before any stream starts.
                #expect(try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/events", tenant: 2, user: 20).status == 404)
                let path = "/api/v1/campaigns/\(id)/events"
                let reader = try RawHTTPReader(
                    port: try #require(client.port), path: path, headers: APIFixture.signed(.get, path, tenant: 1, user: 10))
                defer { reader.close() }
                _ = try await reader.read(until: "}\n\n")
                #expect(SSE.events(reader.text).first?.json?["status"]?.stringValue == "draft")
                // The sending replica: its own engine and worker, the same database.
                try await ProviderFlowTests.withSendingServer(sendingConfig, pool: pool, engineLogger: engineLogger) { sender in
                    let sent = try await APIFixture.call(sender, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 10)
                    #expect(sent.status == 200, "\(String(describing: sent.json))")
                    let all = try await reader.readToEnd()
                    let events = SSE.events(all)
                    #expect(events.first?.name == "progress" && events.last?.name == "done", "\(all)")
                    #expect(events.compactMap(\.id) == Array(1...events.count))
                    #expect(events.filter { $0.name == "done" }.count == 1)
                    let final = try #require(events.last?.json)
                    #expect(final["status"]?.stringValue == "completed" && final["sent"]?.integerValue == 30, "\(final)")
                    // The stream followed the other replica's run on the way (the worker claims the
                    // rows in a few batches: they show as sending, then sent).
                    let running = events.dropFirst().dropLast().compactMap { $0.json?["status"]?.stringValue }
                    #expect(running.contains { $0 == "queued" || $0 == "sending" }, "\(all)")
                    let sentSeen = events.compactMap { $0.json?["sent"]?.integerValue }
                    #expect(sentSeen == sentSeen.sorted())
                }
            }
        } catch {
            failure = error
        }
        await TestDatabase.drop(pool)
        if let failure { throw failure }
    }
}
