import ArgumentParser
import CampaignStore
import Campaigns
import Engine
import Foundation
import Logging
import MariaDB
import Server

/// `bkntc-campaigns`: the Booknetic Campaigns sidecar.
@main
struct BookneticCampaigns: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bkntc-campaigns",
        abstract: "Marketing campaigns (SMS, WhatsApp, email) for Booknetic customers.",
        discussion: "Configuration comes from BKNTC_* environment variables; see README.md.",
        version: ServiceVersion.number,
        subcommands: [
            Serve.self, Migrate.self, Doctor.self, Erase.self, Tick.self, Sign.self, DemoData.self, Bench.self, EngineBench.self,
            BenchTwilioFake.self, ResultsBench.self, BroadcastBench.self, EventsBench.self,
        ],
        defaultSubcommand: Serve.self)
}

/// A command that could not do its work (the database, the configuration, a migration): printed
/// as `Error: …` with exit status 1 and, unlike a `ValidationError`, without the usage text, which
/// would suggest the command line was wrong.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Runs a command body, turning database errors into a readable message with their detail.
func reportingDatabaseErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as MariaDBError {
        throw CommandFailure("database: \(error.detail)")
    }
}

/// Reads the environment or exits with a readable message (never a stack trace).
func loadConfiguration(requireSecret: Bool) throws -> ServiceConfiguration {
    do {
        return try ServiceConfiguration.fromEnvironment(requireSecret: requireSecret)
    } catch {
        throw CommandFailure("configuration: \(error.description)")
    }
}

func makeLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    let level = ProcessInfo.processInfo.environment["BKNTC_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
    logger.logLevel = level ?? .info
    return logger
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP API (and the sending worker).")

    func run() async throws {
        let config = try loadConfiguration(requireSecret: true)
        let app = try await buildApplication(config, logger: makeLogger("bkntc-campaigns"))
        try await app.runService()
    }
}

struct Tick: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one cron tick, as POST /api/v1/cron/tick does, and print its answer as JSON.")

    func run() async throws {
        let config = try loadConfiguration(requireSecret: false)
        var logger = makeLogger("tick")
        if ProcessInfo.processInfo.environment["BKNTC_LOG_LEVEL"] == nil { logger.logLevel = .warning }
        let pool = MariaDBPool(configuration: config.database, logger: logger)
        let installation = Installation.mode(configured: config.saas, pool: pool, prefix: config.prefix)
        let engine = EngineAssembly(config: config, apiPool: pool, installation: installation, clock: SystemClock(), logger: logger)
        do {
            let report = try await reportingDatabaseErrors { try await engine.tick.run(mode: engine.mode) }
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } catch {
            await engine.close()
            await pool.close()
            throw error
        }
        await engine.close()
        await pool.close()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the sidecar's own tables and seed the built-in templates.")

    @Flag(help: "Print the statements that would run, change nothing.")
    var dryRun = false

    @Flag(help: "Also add the opt-in index on Booknetic's appointments table (see README).")
    var bookneticIndexes = false

    func run() async throws {
        let config = try loadConfiguration(requireSecret: false)
        var logger = makeLogger("migrate")
        // The command prints its own summary; log lines only for warnings unless asked.
        if ProcessInfo.processInfo.environment["BKNTC_LOG_LEVEL"] == nil { logger.logLevel = .warning }
        let pool = MariaDBPool(configuration: config.database, logger: logger)
        defer { Task { await pool.close() } }
        do {
            let report = try await Migrator(pool: pool, prefix: config.prefix, logger: logger)
                .migrate(dryRun: dryRun, includeOptional: bookneticIndexes)
            for step in report.applied {
                print("\(dryRun ? "would apply" : "applied") \(step.version) (\(step.statements.count) statements)")
                if dryRun { for statement in step.statements { print("  \(statement.replacingOccurrences(of: "\n", with: "\n  "));") } }
            }
            print("\(report.alreadyApplied.count) already applied, \(report.applied.count) \(dryRun ? "pending" : "applied now")")
        } catch let error as MigrationError {
            throw CommandFailure(error.description)
        } catch let error as MariaDBError {
            throw CommandFailure("database: \(error.description) — \(error.detail)")
        }
        await pool.close()
    }
}

struct DemoData: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Fill Booknetic's tables with deterministic, messy demo data (never on a real site!).")

    @Option(help: "Number of SaaS tenants; 0 = single site (tenant_id NULL).")
    var tenants = 2
    @Option(help: "Number of customers.")
    var customers = 2000
    @Option(help: "Number of appointments.")
    var appointments = 10000
    @Option(help: "Random seed (same seed, same data).")
    var seed: UInt64 = 42
    @Option(help: "Whose phone numbers and currency: mixed (North American and UK numbers, dollars) or uk (UK mobiles, pounds).")
    var region: DemoRegion = .mixed
    @Option(
        name: .customLong("bookings-after"),
        help: "Instead of generating data: book some customers of this sent campaign after their message (demo results).")
    var bookingsAfter: Int?
    @Option(help: "With --bookings-after: the share of messaged customers who book (held-out ones book a third as often).")
    var share = 0.3

    func run() async throws {
        let config = try loadConfiguration(requireSecret: false)
        var logger = makeLogger("demo-data")
        if ProcessInfo.processInfo.environment["BKNTC_LOG_LEVEL"] == nil { logger.logLevel = .warning }
        let pool = MariaDBPool(configuration: config.database, logger: logger)
        if let campaign = bookingsAfter {
            guard (0...1).contains(share) else { throw ValidationError("--share must be between 0 and 1") }
            let summary = try await DemoBookings(pool: pool, prefix: config.prefix).bookAfter(campaignID: campaign, share: share, seed: seed)
            print(
                "booked \(summary.messagedBookings) messaged and \(summary.heldOutBookings) held-out customers of campaign \(campaign) "
                    + "after the send; see GET /api/v1/campaigns/\(campaign)/results")
            await pool.close()
            return
        }
        let bar = ProgressBar(label: "demo-data")
        let summary = try await DemoDataGenerator(pool: pool, prefix: config.prefix, logger: logger).generate(
            DemoDataOptions(tenants: tenants, customers: customers, appointments: appointments, seed: seed, region: region)
        ) { progress in
            bar.update(phase: progress.phase, done: progress.done, total: progress.total)
        }
        bar.finish()
        let rows = summary.customers + summary.appointments
        print(
            "generated \(summary.tenants) tenants, \(summary.customers) customers, \(summary.appointments) appointments, "
                + "\(summary.users) users in \(String(format: "%.1f", summary.seconds)) s "
                + "(\(Int(Double(rows) / max(summary.seconds, 0.001))) rows/s)")
        await pool.close()
    }
}

extension DemoRegion: ExpressibleByArgument {}

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the configuration, the database and the providers; exit 1 on any failure.",
        discussion: "Run it after editing /etc/bkntc-campaigns/env. Each line says ok, warn or fail and what to fix; no secret is printed.")

    @Flag(help: "Print {\"ok\",\"checks\":[{\"check\",\"status\",\"message\"}]} instead of lines.")
    var json = false

    func run() async throws {
        var logger = makeLogger("doctor")
        if ProcessInfo.processInfo.environment["BKNTC_LOG_LEVEL"] == nil { logger.logLevel = .critical }
        let checks = await Server.Doctor(logger: logger).run()
        let ok = !checks.contains { $0.status == .fail }
        if json {
            struct Report: Encodable {
                let ok: Bool
                let checks: [DoctorCheck]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Report(ok: ok, checks: checks)), as: UTF8.self))
        } else {
            let width = checks.map(\.check.count).max() ?? 0
            for check in checks {
                let name = check.check.padding(toLength: width, withPad: " ", startingAt: 0)
                print("\(check.status.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0))  \(name)  \(check.message)")
            }
        }
        if !ok { throw ExitCode(1) }
    }
}

struct Erase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase a person's campaign messages in a tenant (logs, history, outbox copies); their opt-outs stay.",
        discussion: "As POST /api/v1/customers/{id}/erase does, with an audit entry. Prints {\"log_rows\":N}.")

    @Option(help: "The tenant's id (leave out on a single site).")
    var tenant: Int?
    @Option(help: "The Booknetic customer id.")
    var customer: Int?
    @Option(help: "A phone number or email address, as the customer typed it.")
    var address: String?

    func validate() throws {
        guard (customer == nil) != (address == nil) else { throw ValidationError("give either --customer or --address") }
    }

    func run() async throws {
        let config = try loadConfiguration(requireSecret: false)
        var logger = makeLogger("erase")
        if ProcessInfo.processInfo.environment["BKNTC_LOG_LEVEL"] == nil { logger.logLevel = .warning }
        let pool = MariaDBPool(configuration: config.database, logger: logger)
        let clock = SystemClock()
        let scope = TenantScope(storedTenantID: tenant)
        do {
            let rows = try await reportingDatabaseErrors { () async throws -> Int in
                let settings = MariaDBSiteSettings(
                    pool: pool, prefix: config.prefix, fallbackCountryCode: config.defaultCountryCode, clock: clock,
                    versions: SettingsVersions(clock: clock))
                let normalizer = AddressNormalizer(defaultCountryCode: try await settings.defaultCountryCode(scope: scope))
                var addresses: [String] = []
                var known = true
                if let customer {
                    let contact = try await MariaDBBookneticDirectory(pool: pool, prefix: config.prefix).customers(scope: scope, ids: [customer])
                        .first
                    known = contact != nil
                    addresses = [normalizer.normalize(contact?.phone, for: .sms), normalizer.normalize(contact?.email, for: .email)].compactMap { $0 }
                } else if let address {
                    guard let normalized = normalizer.normalize(address, for: address.contains("@") ? .email : .sms) else {
                        throw ValidationError("\(address) is neither a phone number nor an email address")
                    }
                    addresses = [normalized]
                }
                return try await MariaDBErasure(pool: pool, prefix: config.prefix, clock: clock).erase(
                    ErasureSubject(customerID: customer, addresses: addresses), scope: scope, by: nil, requireKnown: known)
            }
            print("{\"log_rows\":\(rows)}")
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }
}
