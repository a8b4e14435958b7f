import CampaignStore
import Campaigns
import Foundation
import HummingbirdTesting
import MariaDB
import Server
import TestSupport
import Testing

/// The bench of DESIGN §17's shared reads, on MariaDB: 200 streams over 20 sending campaigns
/// held for a few seconds, and the database reads each campaign cost per interval (the figure
/// in the README's Performance section). It also checks the rule: one read per campaign and
/// interval, whatever the number of subscribers.
@Suite("Progress events bench", .serialized)
struct EventStreamBenchTests {
    static let campaigns = 20
    static let perCampaign = 10

    @Test func twoHundredSubscribersOverTwentyCampaignsCostOneReadPerCampaignAndInterval() async throws {
        let (pool, base) = try await APIFixture.make("events_bench")
        var deps = base
        deps.progressHub = ProgressHub()  // the service's intervals: 250 ms while sending
        let hub = deps.progressHub
        var failure: (any Error)?
        do {
            try await APIFixture.withServer(deps) { client in
                var ids: [Int] = []
                for n in 0..<Self.campaigns {
                    let created = try await APIFixture.call(
                        client, .post, "/api/v1/campaigns", tenant: 1, user: 10,
                        body: #"{"channel":"email","name":"Bench \#(n)","subject":"S","segment":{"type":"all_customers"},"body":"Hi"}"#)
                    let id = try #require(created.json?["id"]?.integerValue)
                    // Sent without an engine: queued, so its poller reads at the fast interval.
                    #expect(try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 10).status == 200)
                    ids.append(id)
                }
                let port = try #require(client.port)
                var readers: [RawHTTPReader] = []
                defer { for reader in readers { reader.close() } }
                for id in ids {
                    for n in 0..<Self.perCampaign {
                        let path = "/api/v1/campaigns/\(id)/events?s=\(n)"
                        let reader = try RawHTTPReader(port: port, path: path, headers: APIFixture.signed(.get, path, tenant: 1, user: 10))
                        _ = try await reader.read(until: "}\n\n")
                        readers.append(reader)
                    }
                }
                let topics = ids.map { ProgressHub.Topic(kind: "campaign", scope: .tenant(1), id: $0) }
                let settle = ContinuousClock.now
                while await hub.subscriberCounts().values.reduce(0, +) < readers.count, ContinuousClock.now - settle < .seconds(5) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(await hub.subscriberCounts().count == Self.campaigns)
                var before: [Int] = []
                for topic in topics { before.append(await hub.reads(of: topic)) }
                let window = Duration.seconds(4)
                let started = ContinuousClock.now
                try await Task.sleep(for: window)
                let elapsed = ContinuousClock.now - started
                var reads: [Int] = []
                for (index, topic) in topics.enumerated() { reads.append(await hub.reads(of: topic) - before[index]) }
                let intervals = elapsed / .milliseconds(250)
                let perInterval = reads.map { Double($0) / intervals }
                let mean = perInterval.reduce(0, +) / Double(perInterval.count)
                print(
                    "events bench: \(readers.count) subscribers over \(Self.campaigns) campaigns for \(elapsed): "
                        + "reads per campaign per 250 ms interval mean \(String(format: "%.2f", mean)), "
                        + "min \(String(format: "%.2f", perInterval.min() ?? 0)), max \(String(format: "%.2f", perInterval.max() ?? 0)); "
                        + "database reads/s in all \(String(format: "%.1f", Double(reads.reduce(0, +)) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)))"
                )
                // One read per interval at most (a read takes time, so a little under under load),
                // never one per subscriber (that would be 10).
                #expect(perInterval.allSatisfy { $0 <= 1.05 }, "\(perInterval)")
                #expect(mean >= 0.5, "the pollers keep reading: \(perInterval)")
            }
        } catch {
            failure = error
        }
        await TestDatabase.drop(pool)
        if let failure { throw failure }
    }
}
