import ArgumentParser
import CampaignStore
import Campaigns
import Foundation
import MariaDB
import Server
import Synchronization

/// `bench-results`: times `GET …/results` of a large sent campaign on the current database.
///
/// It first writes (once; found again by name) a completed sms campaign with `--recipients`
/// sent rows, one per customer of the tenant, sent over the last 21 days, plus a competing
/// campaign that messaged every third of them later (so last touch has work to do). Then it
/// times the results through the service's repository and writes the statements it ran, with
/// values inlined, for Scripts/bench to time in the mariadb client.
struct ResultsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-results", abstract: "Benchmark a large campaign's results (bookings and revenue) on the configured database.")

    @Option(help: "Tenant id (omit for a single-site install).")
    var tenant: Int?
    @Option(help: "Sent rows of the measured campaign (at most one per customer).")
    var recipients = 100_000
    @Option(help: "Timed runs (the median is reported).")
    var runs = 5
    @Option(help: "Write the statements the results ran, values inlined, into this file.")
    var sqlFile: String?
    @Flag(help: "Print only the median in ms.")
    var quiet = false

    func run() async throws {
        try await reportingDatabaseErrors { try await measure() }
    }

    private func measure() async throws {
        let config = try loadConfiguration(requireSecret: false)
        let pool = MariaDBPool(configuration: config.database, logger: makeLogger("bench"))
        let scope = tenant.map(TenantScope.tenant) ?? .singleSite
        let clock = SystemClock()
        let (campaignID, rows) = try await BenchFixtures(pool: pool, prefix: config.prefix).resultsCampaign(
            recipients: recipients, scope: scope, now: clock.now())
        let settings = MariaDBSiteSettings(pool: pool, prefix: config.prefix, fallbackCountryCode: config.defaultCountryCode, clock: clock)
        var repository = MariaDBResultsRepository(pool: pool, prefix: config.prefix, settings: settings, clock: clock)
        let statements = Mutex<[SQLQuery]>([])
        repository.onStatement = { query in statements.withLock { $0.append(query) } }
        let access = AccessCheck(.logs, in: .everything(planChannels: nil))
        var results = try await repository.results(scope: scope, id: campaignID, run: nil, access: access)  // warm-up
        if let sqlFile {
            let text =
                ServiceConfiguration.sessionTuning.text + ";\n"
                + statements.withLock { $0 }.map { InlinedSQL.text(of: $0) + ";\n" }.joined()
            try text.write(toFile: sqlFile, atomically: true, encoding: .utf8)
        }
        var timings: [Double] = []
        for _ in 0..<runs {
            let started = ContinuousClock.now
            results = try await repository.results(scope: scope, id: campaignID, run: nil, access: access)
            timings.append((ContinuousClock.now - started).milliseconds)
        }
        let median = timings.sorted()[timings.count / 2]
        if quiet {
            print(String(format: "%.1f", median))
        } else {
            print(
                "results of campaign \(campaignID) (\(rows) sent rows): messaged \(results.total.messaged), "
                    + "\(results.total.bookings) bookings by \(results.total.bookedCustomers) customers, revenue "
                    + String(format: "%.2f", results.total.revenue) + ", \(results.daily.count) days; "
                    + String(format: "median %.1f ms of %d", median, runs))
        }
        await pool.close()
    }
}
