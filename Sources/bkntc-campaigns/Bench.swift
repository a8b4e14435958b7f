import ArgumentParser
import CampaignStore
import Campaigns
import Foundation
import MariaDB
import Server

/// `bench`: times what users wait for on the current database — every segment's preview
/// (count + sample) through our client, and the send-time snapshot. It also writes each
/// preview's SQL with its values inlined, so Scripts/bench can time the same statement in the
/// `mariadb` client for comparison.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmark previews and snapshots on the configured database.")

    @Option(help: "Tenant id to measure (omit for a single-site install).")
    var tenant: Int?
    @Option(help: "Timed runs per measurement (the median is reported).")
    var runs = 5
    @Option(help: "Directory to write each preview's SQL (values inlined) into.")
    var sqlDir: String?
    @Flag(help: "Also time snapshots (creates and deletes campaigns).")
    var snapshots = false
    @Option(help: "Measure only this statement (e.g. repeat-sms) and print its median in ms.")
    var only: String?

    func run() async throws {
        try await reportingDatabaseErrors { try await measure() }
    }

    private func measure() async throws {
        let config = try loadConfiguration(requireSecret: false)
        let pool = MariaDBPool(configuration: config.database, logger: makeLogger("bench"))
        let scope = tenant.map(TenantScope.tenant) ?? .singleSite
        let clock = SystemClock()
        let settings = MariaDBSiteSettings(pool: pool, prefix: config.prefix, fallbackCountryCode: config.defaultCountryCode, clock: clock)
        let audience = MariaDBAudienceRepository(pool: pool, prefix: config.prefix, settings: settings, clock: clock)
        let segments: [(String, Segment)] = [
            ("all_customers", Segment(type: .allCustomers)), ("all_appointments", Segment(type: .allAppointments)),
            ("recent_bookers_30", Segment(type: .recentBookers, days: 30)), ("upcoming_7", Segment(type: .upcoming, days: 7)),
            ("first_time", Segment(type: .firstTime)), ("repeat", Segment(type: .repeat)),
            ("lapsed_90", Segment(type: .lapsed, days: 90)), ("cancelled_recent_30", Segment(type: .cancelledRecent, days: 30)),
            ("rebook_due", Segment(type: .rebookDue)),
        ]
        if only == nil { print("segment                 channel   recipients   preview ms (median of \(runs))") }
        let now = Int(clock.now().timeIntervalSince1970)
        let countryCode = try await settings.defaultCountryCode(scope: scope)
        for (label, segment) in segments {
            for channel in [Channel.sms, .email] where only == nil || only == "\(label)-\(channel.rawValue)" {
                let definition = AudienceDefinition(channel: channel, segment: segment, scope: scope, countryCode: countryCode)
                var timings: [Double] = []
                var count = 0
                _ = try await audience.preview(definition, sampleSize: 20)  // warm-up: prepares the statement
                for _ in 0..<runs {
                    let started = ContinuousClock.now
                    count = try await audience.preview(definition, sampleSize: 20).count
                    timings.append((ContinuousClock.now - started).milliseconds)
                }
                let median = timings.sorted()[timings.count / 2]
                if only != nil {
                    print(String(format: "%.1f", median))
                    continue
                }
                print(
                    label.padding(toLength: 24, withPad: " ", startingAt: 0) + channel.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + String(count).padding(toLength: 13, withPad: " ", startingAt: 0) + String(format: "%.1f", median))
                if let sqlDir {
                    let query = audience.compiler.preview(definition, now: now, sampleSize: 20)
                    try inline(query).write(toFile: "\(sqlDir)/\(label)-\(channel.rawValue).sql", atomically: true, encoding: .utf8)
                    try String(format: "%.3f", median).write(
                        toFile: "\(sqlDir)/\(label)-\(channel.rawValue).ours", atomically: true, encoding: .utf8)
                }
            }
        }
        if snapshots {
            let campaigns = MariaDBCampaignRepository(pool: pool, prefix: config.prefix, settings: settings, clock: clock)
            let everything = CapabilitySet.everything(planChannels: nil)
            for channel in [Channel.sms, .email] {
                let draft = CampaignDraft(
                    channel: channel, name: "bench \(channel.rawValue)", segment: Segment(type: .allCustomers),
                    subject: channel == .email ? "Bench" : nil, body: "Hello {customer_first_name}")
                let campaign = try await campaigns.create(scope: scope, draft: draft, createdBy: nil).campaign
                let started = ContinuousClock.now
                let sent = try await campaigns.send(scope: scope, id: campaign.id, access: AccessCheck(.send, in: everything), by: nil)
                let elapsed = (ContinuousClock.now - started).milliseconds
                print(
                    "snapshot \(channel.rawValue): \(sent.campaign.totalCount) recipients in \(String(format: "%.0f", elapsed)) ms "
                        + "(campaign \(campaign.id))")
            }
        }
        await pool.close()
    }

    /// The statement with the service's session settings first, values written as literals.
    private func inline(_ query: SQLQuery) -> String {
        ServiceConfiguration.sessionTuning.text + ";\n" + InlinedSQL.text(of: query) + ";\n"
    }
}
