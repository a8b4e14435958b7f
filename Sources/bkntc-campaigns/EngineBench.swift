import ArgumentParser
import CampaignStore
import Campaigns
import Engine
import Foundation
import Logging
import MariaDB
import Messaging
import Server
import Synchronization

/// `bench-engine`: the sending engine's own speed on the configured database. A campaign of
/// `--messages` rows is written straight into the log table and sent by the worker, while a
/// tick runs every 100 ms beside it, to a provider double that answers after `--latency-ms`
/// (`--provider simulated`), or through the real senders over libcurl: `TwilioSender` to the
/// Twilio-compatible server at `BKNTC_TWILIO_API_BASE` (`--provider twilio`, e.g.
/// `bench-twilio-fake`) or `SMTPSender` to an SMTP server (`--provider smtp`, e.g. Postfix's
/// `smtp-sink`). Prints messages/s, database statements per message, tick latency and peak memory.
struct EngineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-engine", abstract: "Benchmark the sending engine against a simulated provider or the real senders.")

    /// Where the engine's messages go.
    enum Provider: String, ExpressibleByArgument, CaseIterable {
        case simulated, twilio, smtp
    }

    @Option(help: "Recipients in the campaign.")
    var messages = 20_000
    @Option(help: "Provider latency in milliseconds.")
    var latencyMs = 20
    @Option(help: "Concurrent provider calls (BKNTC_SEND_CONCURRENCY).")
    var concurrency = 32
    @Option(help: "Messages per second per sender (BKNTC_RATE_LIMIT); 0 = unlimited.")
    var rate: Double = 0
    @Option(help: "Stop after this many seconds even if rows remain (0 = until done).")
    var seconds: Double = 0
    @Option(help: "simulated (a double in process), twilio (TwilioSender to BKNTC_TWILIO_API_BASE) or smtp (SMTPSender).")
    var provider: Provider = .simulated
    @Option(help: "Twilio Account SID (--provider twilio).")
    var accountSid = "AC" + String(repeating: "1", count: 32)
    @Option(help: "Twilio Auth Token (--provider twilio).")
    var authToken = "bench-auth-token"
    @Option(help: "Sender phone number (--provider twilio).")
    var from = "+15005550006"
    @Option(help: "SMTP host, plain text (--provider smtp).")
    var smtpHost = "127.0.0.1"
    @Option(help: "SMTP port (--provider smtp).")
    var smtpPort = 2525
    @Option(help: "Message body length in bytes (0 = a short greeting).")
    var bodyBytes = 0
    @Flag(help: "Cancel every other live campaign first, so only the benchmark's sends (a benchmark database only!).")
    var cancelOthers = false

    func run() async throws {
        var config = try loadConfiguration(requireSecret: false)
        config.sendConcurrency = concurrency
        // The real senders always have a rate (Twilio's long code: 1/s); "unlimited" is then
        // the highest BKNTC_RATE_LIMIT an operator can set.
        config.rateLimit = rate > 0 ? rate : provider == .simulated ? nil : 100_000
        config.quietHours = .never
        var logger = makeLogger("bench-engine")
        logger.logLevel = .warning
        let pool = MariaDBPool(configuration: config.database, logger: logger)
        let fixtures = BenchFixtures(pool: pool, prefix: config.prefix)
        let campaignID = try await reportingDatabaseErrors { try await prepare(fixtures) }
        let clock = SystemClock()
        var database = config.database
        database.maxConnections = 4
        let enginePool = MariaDBPool(configuration: database, logger: logger)
        let settings = MariaDBSiteSettings(pool: enginePool, prefix: config.prefix, fallbackCountryCode: "44", clock: clock)
        let campaigns = MariaDBCampaignRepository(pool: enginePool, prefix: config.prefix, settings: settings, clock: clock)
        let simulated = SimulatedProvider(latency: .milliseconds(latencyMs))
        let sender: any MessageSender
        var transport: CurlTransport?
        switch provider {
        case .simulated:
            sender = simulated
        case .twilio, .smtp:
            // As EngineAssembly builds the live sender, with the settings given on the command line.
            let curl = CurlTransport(policy: config.transportPolicy, threads: concurrency + 2)
            transport = curl
            let account = TwilioAccount(accountSID: accountSid, authToken: authToken, sender: from)
            let smtp = SMTPAccount(
                host: smtpHost, port: smtpPort, security: .none, username: "", password: "", senderEmail: "bench@example.com",
                senderName: "Bench")
            let providers = FixedProviders(
                configuration: ProviderConfiguration(sms: .configured(account), whatsapp: .configured(account), email: .configured(smtp)))
            sender = LiveSender(
                twilio: TwilioSender(transport: curl, apiBase: config.twilioAPIBase, providers: providers, publicURL: nil, logger: logger),
                smtp: SMTPSender(
                    transport: curl, providers: providers, publicURL: config.publicURL, secret: config.secret, clock: clock, logger: logger))
        }
        let engine = SendingEngine(configuration: config.engineConfiguration(), sender: sender, clock: clock, logger: logger)
        let stores = MariaDBEngineStoreProvider(pool: enginePool, prefix: config.prefix, campaigns: campaigns, settings: settings, clock: clock)
        let worker = Worker(engine: engine, stores: stores, wake: WakeSignal(), logger: logger)
        let tick = CronTick(engine: engine, stores: stores, wake: worker.wake)

        let before = await enginePool.statistics()
        let started = ContinuousClock.now
        let workerTask = Task { try await worker.run() }
        var tickLatencies: [Double] = []
        var sent = 0
        var samples: [(Double, Int)] = []
        while true {
            try await Task.sleep(for: .milliseconds(100))
            let tickStarted = ContinuousClock.now
            _ = try await tick.run(mode: .worker)
            tickLatencies.append((ContinuousClock.now - tickStarted).milliseconds)
            sent = try await fixtures.sentCount(campaignID: campaignID)
            let elapsed = (ContinuousClock.now - started).milliseconds / 1000
            samples.append((elapsed, sent))
            if sent >= messages || (seconds > 0 && elapsed >= seconds) { break }
        }
        let elapsed = (ContinuousClock.now - started).milliseconds / 1000
        worker.stop()
        _ = await workerTask.result
        await transport?.shutdown()
        let notSent = try await fixtures.notSentCount(campaignID: campaignID)
        let after = await enginePool.statistics()
        // Steady state: the rate between 10 % and 90 % of the run (start-up and tail left out).
        let steady = steadyRate(samples)
        tickLatencies.sort()
        let p50 = tickLatencies[tickLatencies.count / 2]
        let p99 = tickLatencies[min(tickLatencies.count - 1, Int(Double(tickLatencies.count) * 0.99))]
        let statementsPerMessage = Double(after.statements - before.statements) / Double(max(sent, 1))
        print(
            String(
                format: "sent %d of %d in %.1f s = %.0f msg/s overall, %.0f msg/s steady (concurrency %d, %@, rate %@)",
                sent, messages, elapsed, Double(sent) / elapsed, steady, concurrency,
                provider == .simulated ? "latency \(latencyMs) ms" : "provider \(provider.rawValue)", rate > 0 ? "\(rate)/s" : "unlimited"))
        if notSent > 0 { print("NOT SENT: \(notSent) rows ended failed or otherwise (the figure above is not a clean run)") }
        if provider != .smtp {
            let ideal = Double(concurrency) * 1000 / Double(latencyMs)
            print(String(format: "ideal concurrency / latency = %.0f msg/s; steady = %.0f %% of it", ideal, steady / ideal * 100))
        }
        if rate > 0, provider == .simulated {
            // As the provider saw it: calls between the first and the last call.
            let calls = simulated.calls()
            let span = calls.max().flatMap { last in calls.min().map { (last - $0).milliseconds / 1000 } } ?? 0
            let observed = span > 0 ? Double(calls.count - 1) / span : 0
            print(
                String(
                    format: "rate limit %.1f/s: the provider saw %d calls in %.1f s = %.2f/s = %.2f %% of the limit",
                    rate, calls.count, span, observed, observed / rate * 100))
        }
        print(
            String(
                format: "database statements per message %.3f (%d statements, %d leases)", statementsPerMessage,
                after.statements - before.statements, after.leases - before.leases))
        print(String(format: "tick (worker mode) p50 %.1f ms, p99 %.1f ms over %d ticks while sending", p50, p99, tickLatencies.count))
        print("peak RSS \(peakResidentMiB()) MiB")
        await enginePool.close()
        await pool.close()
    }

    /// A queued campaign with `messages` pending rows, written by the database itself.
    private func prepare(_ fixtures: BenchFixtures) async throws -> Int {
        let greeting = "Hi {customer_first_name}"
        let body =
            bodyBytes > greeting.utf8.count
            ? greeting + " " + String(repeating: "x", count: bodyBytes - greeting.utf8.count - 1) : greeting
        return try await fixtures.queueEngineCampaign(
            messages: messages, channel: provider == .smtp ? .email : .sms, subject: provider == .smtp ? "Engine bench" : nil,
            body: body, cancellingOthers: cancelOthers)
    }

    private func steadyRate(_ samples: [(Double, Int)]) -> Double {
        guard let last = samples.last, last.1 > 0 else { return 0 }
        let low = samples.first { Double($0.1) >= Double(last.1) * 0.1 } ?? samples[0]
        let high = samples.last { Double($0.1) <= Double(last.1) * 0.9 } ?? last
        guard high.0 > low.0 else { return Double(last.1) / max(last.0, 0.001) }
        return Double(high.1 - low.1) / (high.0 - low.0)
    }

    private func peakResidentMiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
}

/// A provider double for benchmarks: every message is accepted after `latency`; the time of
/// each call is kept, to measure the rate the provider saw.
final class SimulatedProvider: MessageSender {
    let latency: Duration
    private let times = Mutex<[ContinuousClock.Instant]>([])

    init(latency: Duration) { self.latency = latency }

    func calls() -> [ContinuousClock.Instant] { times.withLock { $0 } }

    func send(_ message: OutgoingMessage) async -> SendOutcome {
        let now = ContinuousClock.now
        times.withLock { $0.append(now) }
        try? await Task.sleep(for: latency)
        return .sent(providerID: "SIM\(message.logID)")
    }

    func lookup(_ message: OutgoingMessage) async -> LookupOutcome { .notFound }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}

/// Provider settings given on the command line, instead of Booknetic's options (benchmarks).
struct FixedProviders: ProviderConfigurationSource {
    let configuration: ProviderConfiguration

    func configuration(scope: TenantScope) async throws -> ProviderConfiguration { configuration }

    func twilioTenants(accountSID: String) async throws -> [TwilioTenant] { [] }
}
