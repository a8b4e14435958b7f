import Campaigns
import Foundation
import HummingbirdTesting
import MariaDB
import Server
import TestSupport
import Testing

/// `/metrics` and `/ready` do at most one database round trip per 5 s however often they are
/// called (DESIGN §13), so a scraper or a load balancer's health checks cannot load the
/// database. Counted as leases of the API's pool, with the service's clock in the test's hand.
@Suite("Probes and the database", .serialized)
struct ProbeCachingTests {
    @Test func readyAndMetricsMakeOneRoundTripPerFiveSeconds() async throws {
        let clock = ManualClock(Date())
        try await APIFixture.live("probes", clock: clock) { pool, client in
            func probe() async throws {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<10 {
                        for path in ["/ready", "/metrics"] {
                            group.addTask {
                                let status = try await client.execute(uri: path, method: .get) { $0.status.code }
                                #expect(status == 200, "\(path)")
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                for _ in 0..<10 {
                    #expect(try await client.execute(uri: "/ready", method: .get) { $0.status.code } == 200)
                    let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
                    #expect(metrics.contains("bkntc_queue_depth"))
                }
            }
            func leases(during body: () async throws -> Void) async throws -> Int {
                let before = await pool.statistics().leases
                try await body()
                return await pool.statistics().leases - before
            }
            let first = try await leases(during: probe)
            #expect(first == 2, "one for /ready, one for /metrics")
            clock.advance(by: 4.9)
            let within = try await leases(during: probe)
            #expect(within == 0, "within 5 s")
            clock.advance(by: 0.2)
            let after = try await leases(during: probe)
            #expect(after == 2, "once 5 s have passed, one more each")
        }
    }
}
