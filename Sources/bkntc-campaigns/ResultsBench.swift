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
        let (campaignID, rows) = try await prepare(pool, prefix: config.prefix, scope: scope, now: clock.now())
        let settings = MariaDBSiteSettings(pool: pool, prefix: config.prefix, fallbackCountryCode: config.defaultCountryCode, clock: clock)
        var repository = MariaDBResultsRepository(pool: pool, prefix: config.prefix, settings: settings, clock: clock)
        let statements = Mutex<[SQLQuery]>([])
        repository.onStatement = { query in statements.withLock { $0.append(query) } }
        let access = AccessCheck(.logs, in: .everything(planChannels: nil))
        var results = try await repository.results(scope: scope, id: campaignID, run: nil, access: access)  // warm-up
        if let sqlFile {
            let text =
                ServiceConfiguration.sessionTuning.text + ";\n"
                + statements.withLock { $0 }.map { Bench.literal($0) + ";\n" }.joined()
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

    /// The measured campaign (and its competitor), created on first use.
    private func prepare(_ pool: MariaDBPool, prefix: TablePrefix, scope: TenantScope, now: Date) async throws -> (Int, Int) {
        let campaigns = prefix.bkntc("campaigns")
        let logs = prefix.bkntc("campaign_logs")
        let customers = prefix.bkntc("customers")
        let name = "bench results \(recipients)"
        return try await pool.withConnection { db in
            if let row = try await db.queryFirst(
                "SELECT id, total_count FROM \(identifier: campaigns) WHERE tenant_key = \(scope.key) AND name = \(name)")
            {
                return (try row.decode("id"), try row.decode("total_count"))
            }
            var ids: [Int] = []
            for (label, count) in [(name, recipients), (name + " (later touch)", recipients / 3)] {
                let id = try await db.execute(
                    """
                    INSERT INTO \(identifier: campaigns) (tenant_id, tenant_key, channel, name, status, segment, body, current_run,
                      total_count, created_at, updated_at)
                    VALUES (\(scope.tenantID), \(scope.key), 'sms', \(label), 'completed', '{"type":"all_customers"}', 'Hi', 1,
                      \(count), \(now), \(now))
                    """
                ).lastInsertID
                ids.append(id)
            }
            let nowSeconds = Int(now.timeIntervalSince1970)
            // One sent row per customer, spread over the last 21 days; the competitor messaged
            // every third of them one to three days later.
            try await db.execute(
                """
                INSERT INTO \(identifier: logs) (tenant_id, tenant_key, campaign_id, run, channel, customer_id, address, status,
                  attempts, sent_at, created_at, updated_at)
                SELECT \(scope.tenantID), \(scope.key), \(ids[0]), 1, 'sms', c.id, CONCAT('+4470', LPAD(c.id, 9, '0')), 'sent', 1,
                  FROM_UNIXTIME(\(nowSeconds) - (c.id % 21) * 86400 - c.id % 86400), \(now), \(now)
                FROM \(identifier: customers) c WHERE \(scope.bookneticCondition(on: "c")) ORDER BY c.id LIMIT \(recipients)
                """)
            try await db.execute(
                """
                INSERT INTO \(identifier: logs) (tenant_id, tenant_key, campaign_id, run, channel, customer_id, address, status,
                  attempts, sent_at, created_at, updated_at)
                SELECT tenant_id, tenant_key, \(ids[1]), 1, 'sms', customer_id, address, 'delivered', 1,
                  LEAST(sent_at + INTERVAL (1 + customer_id % 3) DAY, \(now)), created_at, updated_at
                FROM \(identifier: logs) WHERE campaign_id = \(ids[0]) AND customer_id % 3 = 0
                """)
            try await db.execute("ANALYZE TABLE \(identifier: logs)")
            let count =
                try await db.queryFirst("SELECT COUNT(*) AS n FROM \(identifier: logs) WHERE campaign_id = \(ids[0])")?
                .decode("n", as: Int.self) ?? 0
            return (ids[0], count)
        }
    }
}
