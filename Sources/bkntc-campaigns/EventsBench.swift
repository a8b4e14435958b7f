import ArgumentParser
import CampaignStore
import Campaigns
import Foundation
import Hummingbird
import MariaDB
import NIOCore
import NIOPosix
import Server

/// `bench-events`: DESIGN §17's shared progress reads under many subscribers. It serves the API
/// in-process (no engine: a replica that does not send) on `BKNTC_LISTEN`, queues `--campaigns`
/// campaigns through the repository, opens `--subscribers` event streams spread over them
/// (signed like the bridge, over loopback), and reads the progress hub's own read counter:
/// database reads per campaign per second while the campaigns are queued (the 250 ms interval)
/// and while they are paused (the 1 s interval), the process's RSS, and whether every stream
/// got `done` and closed once the campaigns were cancelled.
struct EventsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-events", abstract: "Measure the progress hub's database reads under many event-stream subscribers.")

    @Option(help: "Tenant id the campaigns belong to (omit for a single-site install).")
    var tenant: Int?
    @Option(help: "Event streams to open in all.")
    var subscribers = 100
    @Option(help: "Campaigns the streams are spread over.")
    var campaigns = 20
    @Option(help: "Seconds each phase (queued, paused) is measured.")
    var seconds = 5

    func validate() throws {
        guard subscribers >= campaigns, campaigns > 0 else { throw ValidationError("--subscribers must be at least --campaigns (> 0)") }
    }

    func run() async throws {
        try await reportingDatabaseErrors { try await measure() }
    }

    private func measure() async throws {
        var config = try loadConfiguration(requireSecret: true)
        config.apiRateLimit = 100_000
        config.apiRateBurst = 1_000_000
        var logger = makeLogger("bench-events")
        logger.logLevel = .warning
        // The bench stops the in-process server by cancelling it, which HummingbirdCore reports
        // as errors; only its critical lines are of interest here.
        var serverLogger = logger
        serverLogger.logLevel = .critical
        let pool = MariaDBPool(configuration: config.database, logger: logger)
        let scope = tenant.map(TenantScope.tenant) ?? .singleSite
        let installation = Installation.mode(configured: config.saas, pool: pool, prefix: config.prefix)
        let deps = AppDependencies.live(config: config, pool: pool, installation: installation)
        let hub = deps.progressHub
        let app = Application(
            router: buildRouter(deps).router, server: .closingHTTP1(),
            configuration: .init(address: .hostname("127.0.0.1", port: config.listenPort)), logger: serverLogger)
        let serving = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { serving.cancel() }
        let port = config.listenPort
        try await SSEClient.waitForListener(port: port)

        // Queued campaigns that nobody sends: their pollers read at the 250 ms interval.
        let everything = CapabilitySet.everything(planChannels: nil)
        let send = AccessCheck(.send, in: everything)
        var ids: [Int] = []
        for n in 0..<campaigns {
            let draft = CampaignDraft(
                channel: .email, name: "bench events \(n)", segment: Segment(type: .upcoming, days: 7), subject: "Bench",
                body: "Hello {customer_first_name}")
            let created = try await deps.campaigns.create(scope: scope, draft: draft, createdBy: nil)
            ids.append(try await deps.campaigns.send(scope: scope, id: created.campaign.id, access: send, by: nil).campaign.id)
        }
        let rssBefore = SSEClient.residentKiB()
        let tally = SSETally(count: subscribers)
        var clients: [any NIOCore.Channel] = []
        for n in 0..<subscribers {
            let path = "/api/v1/campaigns/\(ids[n % campaigns])/events?s=\(n)"
            let headers = BridgeSigning.headers(
                secret: config.secret, method: "GET", pathAndQuery: path, tenant: tenant.map(String.init) ?? "", user: "1", body: Data(),
                timestamp: Int(Date().timeIntervalSince1970))
            clients.append(try await SSEClient.open(port: port, path: path, headers: headers.map { ($0.name, $0.value) }, index: n, tally: tally))
            // One stream at a time, as browsers arrive: a burst of hundreds of first reads at
            // once would meet the pool's wait limit and be shed with 503s.
            let opened = ContinuousClock.now
            while !tally.answered(n), ContinuousClock.now - opened < .seconds(5) { try await Task.sleep(for: .milliseconds(5)) }
        }
        let topics = ids.map { ProgressHub.Topic(kind: "campaign", scope: scope, id: $0) }
        let settle = ContinuousClock.now
        while tally.firstEvents < subscribers, ContinuousClock.now - settle < .seconds(30) { try await Task.sleep(for: .milliseconds(50)) }
        let rssOpen = SSEClient.residentKiB()
        print(
            "events: \(subscribers) subscribers over \(campaigns) campaigns (\(subscribers / campaigns) each), "
                + "\(tally.firstEvents) got their first progress, refused: \(tally.refused.isEmpty ? "none" : tally.refused.map { "\($0.value)× \($0.key)" }.sorted().joined(separator: ", "))"
        )

        func phase(_ label: String) async throws {
            var before: [Int] = []
            for topic in topics { before.append(await hub.reads(of: topic)) }
            let started = ContinuousClock.now
            try await Task.sleep(for: .seconds(seconds))
            let elapsed = (ContinuousClock.now - started).milliseconds / 1000
            var rates: [Double] = []
            for (index, topic) in topics.enumerated() { rates.append(Double(await hub.reads(of: topic) - before[index]) / elapsed) }
            let mean = rates.reduce(0, +) / Double(rates.count)
            print(
                "  \(label): database reads per campaign per second mean \(String(format: "%.2f", mean)), max "
                    + "\(String(format: "%.2f", rates.max() ?? 0)) (\(String(format: "%.1f", rates.reduce(0, +))) reads/s for "
                    + "\(subscribers) subscribers)")
        }
        try await phase("queued, this replica not sending (goal ≤ 4/s: one per 250 ms)")
        for id in ids { _ = try await deps.campaigns.control(scope: scope, id: id, .pause, access: send, by: nil) }
        try await phase("paused, idle (goal ≤ 1/s)")
        let cancelled = ContinuousClock.now
        for id in ids { _ = try await deps.campaigns.control(scope: scope, id: id, .cancel, access: send, by: nil) }
        let accepted = tally.firstEvents
        while tally.closedWithDone < accepted, ContinuousClock.now - cancelled < .seconds(20) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let waited = (ContinuousClock.now - cancelled).milliseconds
        print(
            "  cancelled: \(tally.done) of \(subscribers) streams got `done`, \(tally.closedWithDone) then closed, within "
                + String(format: "%.0f ms", waited) + "; progress events received in all: \(tally.progressEvents)")
        print(
            "  RSS (server and clients in one process): \(rssBefore / 1024) MiB before, \(rssOpen / 1024) MiB with the streams open, "
                + "peak \(SSEClient.peakKiB() / 1024) MiB")
        for client in clients { client.close(promise: nil) }
        serving.cancel()
        _ = try? await serving.value
        await pool.close()
    }
}
