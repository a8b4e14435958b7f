import ArgumentParser
import CampaignStore
import Campaigns
import Foundation
import MariaDB
import Server

/// `bench-broadcast`: the send-time snapshot of a two-channel `first` broadcast (sms, then
/// email; both channels snapshotted in the one transaction DESIGN §14 asks for) against two
/// single-channel campaigns' snapshots of the same segment, through the service's own
/// repositories. Runs alternate so both see the same machine load; each run's campaigns are
/// cancelled afterwards so nothing is left to send.
struct BroadcastBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-broadcast", abstract: "Time a two-channel broadcast's snapshot against two single-channel snapshots.")

    @Option(help: "Tenant id to measure (omit for a single-site install).")
    var tenant: Int?
    @Option(help: "Timed runs of each (the median is reported).")
    var runs = 3
    @Option(help: "The broadcast's mode: first or all.")
    var mode: String = "first"

    func run() async throws {
        try await reportingDatabaseErrors { try await measure() }
    }

    private func measure() async throws {
        guard let mode = BroadcastMode(rawValue: mode) else { throw ValidationError("--mode is first or all") }
        let config = try loadConfiguration(requireSecret: false)
        let pool = MariaDBPool(configuration: config.database, logger: makeLogger("bench"))
        let scope = tenant.map(TenantScope.tenant) ?? .singleSite
        let clock = SystemClock()
        let settings = MariaDBSiteSettings(pool: pool, prefix: config.prefix, fallbackCountryCode: config.defaultCountryCode, clock: clock)
        let campaigns = MariaDBCampaignRepository(pool: pool, prefix: config.prefix, settings: settings, clock: clock)
        let broadcasts = MariaDBBroadcastRepository(campaigns: campaigns)
        let everything = CapabilitySet.everything(planChannels: nil)
        func draft(_ channel: Channel, _ name: String) -> CampaignDraft {
            CampaignDraft(
                channel: channel, name: name, segment: Segment(type: .allCustomers), subject: channel == .email ? "Bench" : nil,
                body: "Hello {customer_first_name}")
        }
        func cancel(_ views: [CampaignView]) async throws {
            for view in views where [.queued, .sending].contains(view.campaign.status) {
                _ = try await campaigns.control(scope: scope, id: view.campaign.id, .cancel, access: AccessCheck(.send, in: everything), by: nil)
            }
        }

        var singles: [Double] = []
        var combined: [Double] = []
        var singleCounts: [Int] = []
        var broadcastCounts: [Int] = []
        for run in 1...runs {
            // Two campaigns, one per channel, each snapshotted by its own send.
            var views: [CampaignView] = []
            var elapsed = 0.0
            for channel in [Channel.sms, .email] {
                let created = try await campaigns.create(scope: scope, draft: draft(channel, "bench single \(run)"), createdBy: nil)
                let started = ContinuousClock.now
                views.append(try await campaigns.send(scope: scope, id: created.campaign.id, access: AccessCheck(.send, in: everything), by: nil))
                elapsed += (ContinuousClock.now - started).milliseconds
            }
            singles.append(elapsed)
            singleCounts = views.map(\.campaign.totalCount)
            try await cancel(views)

            // One broadcast over both channels: one transaction snapshots both.
            let broadcast = BroadcastDraft(
                name: "bench broadcast \(run)", mode: mode,
                campaigns: [draft(.sms, "bench broadcast \(run)"), draft(.email, "bench broadcast \(run)")])
            let created = try await broadcasts.create(scope: scope, draft: broadcast, createdBy: nil)
            let started = ContinuousClock.now
            let sent = try await broadcasts.send(scope: scope, id: created.broadcast.id, access: AccessCheck(.send, in: everything), by: nil)
            combined.append((ContinuousClock.now - started).milliseconds)
            broadcastCounts = sent.campaigns.map(\.campaign.totalCount)
            try await cancel(sent.campaigns)
        }
        await pool.close()

        let single = singles.sorted()[singles.count / 2]
        let both = combined.sorted()[combined.count / 2]
        print(
            "two single-channel snapshots (sms \(singleCounts.first ?? 0) + email \(singleCounts.last ?? 0) recipients): "
                + String(format: "%.0f ms", single) + " (median of \(runs))")
        print(
            "one \(mode.rawValue) broadcast, both channels in one transaction (sms \(broadcastCounts.first ?? 0) + email "
                + "\(broadcastCounts.last ?? 0) recipients): " + String(format: "%.0f ms", both) + " (median of \(runs))")
        print(String(format: "ratio broadcast / two singles: %.2f", both / max(single, 0.1)))
    }
}
