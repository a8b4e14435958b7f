import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import MariaDB
import Server
import TestSupport
import Testing

@Suite("Operations endpoints", .serialized)
struct OperationsTests {
    @Test func metricsReadinessAndRequestIDs() async throws {
        let clock = ManualClock(Date())
        try await APIFixture.live("ops", clock: clock) { pool, client in
            let created = try await APIFixture.call(
                client, .post, "/api/v1/campaigns", tenant: 1, user: 1,
                body: #"{"channel":"whatsapp","name":"Ops","segment":{"type":"all_customers"},"body":"Hi"}"#)
            let id = try #require(created.json?["id"]?.integerValue)
            #expect(try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 1).status == 200)
            _ = try await APIFixture.call(client, .get, "/api/v1/campaigns/999999", tenant: 1, user: 1)
            let text = try await client.execute(uri: "/metrics", method: .get) { String(decoding: $0.body.readableBytesView, as: UTF8.self) }
            #expect(text.contains(#"bkntc_http_requests_total{route="/api/v1/campaigns",method="POST",status="201"} 1"#))
            #expect(text.contains(#"bkntc_http_requests_total{route="/api/v1/campaigns/{id}",method="GET",status="404"} 1"#))
            #expect(text.contains(#"bkntc_http_request_duration_seconds_bucket{route="/api/v1/campaigns",le="#))
            #expect(text.contains(#"bkntc_queue_depth{channel="whatsapp"} 6"#))
            #expect(text.contains(#"bkntc_queue_depth{channel="sms"} 0"#))
            #expect(text.contains(#"bkntc_db_pool_connections{state="open"}"#))
            #expect(text.contains(#"bkntc_queue_due{channel="whatsapp"} 6"#))
            #expect(text.contains("bkntc_queue_oldest_due_seconds"))
            // Request ids are echoed, or assigned.
            let echoed = try await client.execute(uri: "/health", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "abc-123"]) {
                $0.headers[HTTPField.Name("X-Request-Id")!]
            }
            #expect(echoed == "abc-123")
            let assigned = try await client.execute(uri: "/health", method: .get) { $0.headers[HTTPField.Name("X-Request-Id")!] }
            #expect((assigned ?? "").count == 36)
            // Ready needs the migrations: take one away and it is not ready.
            #expect(try await client.execute(uri: "/ready", method: .get) { Int($0.status.code) } == 200)
            try await pool.withConnection { try await $0.execute("DELETE FROM wpa_bkntc_campaign_migrations WHERE version = \("0003")") }
            clock.advance(by: 5)  // readiness is read from the database at most every 5 s
            let notReady = try await client.execute(uri: "/ready", method: .get) {
                (Int($0.status.code), String(decoding: $0.body.readableBytesView, as: UTF8.self))
            }
            #expect(notReady.0 == 503)
            #expect(notReady.1.contains("migrate"))
        }
    }

    @Test func databaseOutageIsA503NotA500() async throws {
        var configuration = try TestDatabase.configuration(database: "nothing", maxConnections: 2)
        configuration.port = 1
        configuration.connectTimeout = 1
        let pool = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        let config = ServiceConfiguration(database: configuration, prefix: APIFixture.prefix, saas: true, secret: APIFixture.secret)
        let deps = AppDependencies.live(config: config, pool: pool, saas: true)
        try await APIFixture.withServer(deps) { client in
            let result = try await APIFixture.call(client, .get, "/api/v1/campaigns", tenant: 1, user: 1)
            #expect(result.status == 503)
            #expect(result.json?["error"]?["code"]?.stringValue == "database_unavailable")
            #expect(try await client.execute(uri: "/ready", method: .get) { Int($0.status.code) } == 503)
            #expect(try await client.execute(uri: "/health", method: .get) { Int($0.status.code) } == 200)
        }
        await pool.close()
    }
}
