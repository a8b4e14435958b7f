import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport
import Testing

/// The soak harness (issue: reliability), small: two real `serve` replicas share one MariaDB of
/// the test's own and send a campaign to the Twilio-compatible fake while it answers 10 % 500s,
/// 1 % timeouts and bursts of 429; a replica is SIGKILLed and restarted, a database connection
/// is killed and the MariaDB server itself is crashed and restarted mid-run. Afterwards every
/// recipient has exactly one terminal state, the fake received no address twice and missed
/// nobody who is `sent`, every retry waited its configured delay, and the counters equal the
/// rows. Knobs (`Scripts/soak`): `BKNTC_SOAK_CUSTOMERS` (default 5,000), `BKNTC_SOAK_KILLS`
/// (2: kills at even shares of the messages) or `BKNTC_SOAK_KILL_EVERY` (`20-40`: a kill every
/// 20–40 s, with a connection kill each time), `BKNTC_SOAK_DB_RESTART=off`.
@Suite("Soak: two replicas, faults, kills", .serialized)
struct SoakTests {
    static let prefix = try! TablePrefix("wps_")
    static let environment = ProcessInfo.processInfo.environment
    static let customers = Int(environment["BKNTC_SOAK_CUSTOMERS"] ?? "") ?? 5000
    static let kills = Int(environment["BKNTC_SOAK_KILLS"] ?? "") ?? 2
    /// `BKNTC_SOAK_KILL_EVERY=20-40`: kill by the clock instead of by shares of the messages.
    static let killEvery: ClosedRange<Int>? = environment["BKNTC_SOAK_KILL_EVERY"].flatMap { text in
        let parts = text.split(separator: "-").compactMap { Int($0) }
        return parts.count == 2 && parts[0] <= parts[1] ? parts[0]...parts[1] : nil
    }
    /// `BKNTC_SOAK_FAULTS=off`: the fault-free baseline (no injected faults, no kills).
    static let faults = environment["BKNTC_SOAK_FAULTS"] != "off"
    static let restartDatabase = faults && environment["BKNTC_SOAK_DB_RESTART"] != "off"
    /// `BKNTC_RETRY_DELAYS` and `BKNTC_SENDING_LEASE` of the replicas.
    static let retryDelays: [Double] = [1, 2]
    static let lease: Double = 12
    static let replicas = Int(environment["BKNTC_SOAK_REPLICAS"] ?? "") ?? 2

    static func serve(server: PrivateMariaDBServer, database: String, fake: FakeTwilio, log: URL) throws -> Process {
        try ServeProcess.start(
            database: database, prefix: prefix,
            environment: server.environment.merging([
                "BKNTC_SECRET": "soak-test-secret-0123456789", "BKNTC_PROVIDER": "live", "BKNTC_TWILIO_API_BASE": fake.baseURL,
                "BKNTC_SENDING_LEASE": "\(Int(lease))", "BKNTC_PROVIDER_TIMEOUT": "1",
                "BKNTC_RETRY_DELAYS": retryDelays.map { "\(Int($0))" }.joined(separator: ","), "BKNTC_RATE_LIMIT": "2000",
                "BKNTC_SEND_CONCURRENCY": "8",
                // Info: every line the service logs under faults is scanned for secrets afterwards.
                "BKNTC_LOG_LEVEL": "info",
            ]) { _, soak in soak }, log: log)
    }

    @Test func twoReplicasUnderFaultsAndKillsLoseNobodyAndSendNobodyTwice() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServeProcess.binary.path), "build the bkntc-campaigns product first")
        let fake = try await FakeTwilio.start()
        defer { Task { await fake.stop() } }
        let server = try await PrivateMariaDBServer.start()
        defer { server.stop() }
        let database = "soak"
        let admin = MariaDBPool(configuration: server.configuration(database: "", maxConnections: 1), logger: TestDatabase.logger)
        try await admin.withConnection { try await $0.executeRaw(RawSQL(trusted: "CREATE DATABASE `\(database)` CHARACTER SET utf8mb4")) }
        await admin.close()
        let pool = MariaDBPool(configuration: server.configuration(database: database), logger: TestDatabase.logger)
        defer { Task { await pool.close() } }
        let generationStarted = ContinuousClock.now
        let demo = try await DemoSMSCampaign.install(pool: pool, prefix: Self.prefix, customers: Self.customers, seed: 11, name: "Soak")
        let total = demo.total
        try await pool.withConnection { db in
            try await db.execute("UPDATE wps_options SET option_value = \(fake.accountSID) WHERE option_name = 'bkntc_sms_account_sid'")
            try await db.execute("UPDATE wps_options SET option_value = \(fake.authToken) WHERE option_name = 'bkntc_sms_auth_token'")
        }
        #expect(total > Self.customers / 2)
        print("soak: \(total) recipients generated and snapshotted in \(ContinuousClock.now - generationStarted)")
        func count(_ sql: MariaDBQuery) async throws -> Int {
            try await pool.withConnection { try await $0.queryFirst(sql)?.decode(0, as: Int.self) ?? 0 }
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("soak-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        if Self.faults {
            var faults = FakeTwilio.Faults()
            // Knobs to tell the faults' costs apart: BKNTC_SOAK_SLOW_PERCENT, BKNTC_SOAK_ERROR_PERCENT.
            if let slow = Int(Self.environment["BKNTC_SOAK_SLOW_PERCENT"] ?? "") { faults.slowPercent = slow }
            if let errors = Int(Self.environment["BKNTC_SOAK_ERROR_PERCENT"] ?? "") { faults.serverErrorPercent = errors }
            fake.inject(faults)
        }
        let started = ContinuousClock.now
        let databaseCPUBefore = server.cpuSeconds
        var replicas = try (0..<max(1, Self.replicas)).map { _ in try Self.serve(server: server, database: database, fake: fake, log: log) }
        var kills = 0
        var connectionKills = 0
        var databaseAway: Duration?
        var disruptions: [ClosedRange<Date>] = []  // kills and the database crash, as wall-clock spans
        // While the server is away the test's own queries fail too: not finished yet.
        func finished() async -> Bool {
            let done = try? await count(
                "SELECT COUNT(*) FROM wps_bkntc_campaigns WHERE id = \(demo.id) AND status IN ('completed', 'failed')")
            return done == 1
        }
        func killAConnection() async {
            _ = try? await pool.withConnection { db in
                let ids = try await db.query(
                    """
                    SELECT id FROM information_schema.processlist
                    WHERE db = \(database) AND id <> CONNECTION_ID() AND command <> 'Daemon'
                    """
                ).map { try $0.decode("id", as: Int.self) }
                if let victim = ids.randomElement() {
                    _ = try? await db.execute("KILL CONNECTION \(victim)")
                    connectionKills += 1
                }
            }
        }
        do {
            // Faults while it runs: kill a replica (at every share of the messages, or every
            // 20–40 s), restart it, kill database connections, crash the server half-way.
            var step = 0
            while Self.faults, !(await finished()) {
                if let every = Self.killEvery {
                    let next = ContinuousClock.now + .seconds(Int.random(in: every))
                    while ContinuousClock.now < next, !(await finished()) {
                        if Self.restartDatabase, databaseAway == nil, fake.messages.count >= total / 2 { break }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                } else {
                    guard step < Self.kills else { break }
                    let mark = total * (step + 1) / (Self.kills + 2)
                    try await waitUntil(timeout: .seconds(max(120, total / 40))) {
                        if fake.messages.count >= mark { return true }
                        return await finished()
                    }
                }
                if await finished() { break }
                if Self.restartDatabase, databaseAway == nil, fake.messages.count >= total / 2 {
                    let crashed = Date()
                    databaseAway = try await server.crashAndRestart()
                    disruptions.append(crashed...Date())
                    print("soak: MariaDB crashed and restarted at \(fake.messages.count) messages, away \(databaseAway!)")
                    continue
                }
                let victim = replicas.remove(at: step % 2 == 0 ? 0 : replicas.count - 1)
                let killed = Date()
                kill(victim.processIdentifier, SIGKILL)
                victim.waitUntilExit()
                disruptions.append(killed...Date())
                kills += 1
                replicas.append(try Self.serve(server: server, database: database, fake: fake, log: log))
                if step == 0 || Self.killEvery != nil { await killAConnection() }
                step += 1
            }
            try await waitUntil(timeout: .seconds(max(180, total / 40))) { await finished() }
        } catch {
            for replica in replicas where replica.isRunning { replica.terminate() }
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            print("serve log:\n" + text.suffix(4000))
            throw error
        }
        let elapsed = ContinuousClock.now - started
        // CPU per 1,000 messages, for the scaling figures (the replicas' only when none was killed).
        let databaseCPU = databaseAway == nil ? server.cpuSeconds - databaseCPUBefore : .nan
        let replicaCPU = kills == 0 ? replicas.map { CPUTime.seconds(of: $0.processIdentifier) }.reduce(0, +) : .nan
        for replica in replicas where replica.isRunning { replica.terminate() }
        for replica in replicas { replica.waitUntilExit() }

        let rows = try await pool.withConnection { db in
            try await db.query("SELECT address, status, attempts, provider_message_id FROM wps_bkntc_campaign_logs WHERE campaign_id = \(demo.id)")
                .map {
                    (
                        address: try $0.decode("address", as: String.self), status: try $0.decode("status", as: String.self),
                        attempts: try $0.decode("attempts", as: Int.self), sid: try $0.decode("provider_message_id", as: String?.self)
                    )
                }
        }
        let received = fake.messages
        let faults = fake.faultCounts
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "soak: \(total) recipients, \(received.count) messages received in \(elapsed), replicas \(Self.replicas), kills \(kills), "
                + "connection kills \(connectionKills), database restarts \(databaseAway == nil ? 0 : 1), faults "
                + "\(faults.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")), "
                + "rows \(Dictionary(grouping: rows, by: \.status).mapValues(\.count).sorted { $0.key < $1.key }), "
                + String(format: "%.0f msg/s", Double(received.count) / max(0.001, seconds)))
        #expect(rows.count == total, "one row per recipient")
        #expect(rows.allSatisfy { ["sent", "failed"].contains($0.status) }, "every row is terminal")
        let perAddress = Dictionary(grouping: received, by: \.to).filter { $0.value.count > 1 }
        #expect(perAddress.isEmpty, "addresses received twice: \(perAddress.keys.prefix(5))")
        let sentAddresses = Set(rows.filter { $0.status == "sent" }.map(\.address))
        let receivedAddresses = Set(received.map(\.to))
        #expect(sentAddresses == receivedAddresses, "every sent row reached the fake and nothing else did")
        let bySID = Dictionary(uniqueKeysWithValues: received.map { ($0.sid, $0.to) })
        #expect(rows.filter { $0.status == "sent" }.allSatisfy { $0.sid.flatMap { bySID[$0] } == $0.address }, "each sent row has its own sid")
        // A failed row is one whose every attempt failed: the first, then one per retry delay.
        #expect(rows.filter { $0.status == "failed" }.allSatisfy { $0.attempts == 3 }, "failures used every retry")
        let everyKind = Self.environment["BKNTC_SOAK_SLOW_PERCENT"] == nil && Self.environment["BKNTC_SOAK_ERROR_PERCENT"] == nil
        #expect(
            !Self.faults || !everyKind || ((faults["500"] ?? 0) > 0 && (faults["slow"] ?? 0) > 0 && (faults["429"] ?? 0) > 0),
            "every kind of fault happened")
        print(
            String(
                format: "soak: CPU per 1,000 messages: MariaDB %.2f s, the replicas %.2f s", databaseCPU * 1000 / Double(max(1, received.count)),
                replicaCPU * 1000 / Double(max(1, received.count))))
        if Self.faults { Self.checkRetryDelays(fake.attempts, disruptions: disruptions) }
        if Self.environment["BKNTC_SOAK_TIMELINE"] == "1", let first = fake.attempts.first.map(\.at) {
            // Creates per second over the run, to see where the time goes.
            let perSecond = Dictionary(grouping: fake.attempts) { Int($0.at.timeIntervalSince(first)) }.mapValues(\.count)
            print("soak: creates per second: " + (0...(perSecond.keys.max() ?? 0)).map { "\(perSecond[$0] ?? 0)" }.joined(separator: " "))
            let journal = fake.attempts.map { "\($0.to),\($0.at.timeIntervalSince(first)),\($0.answer)" }.joined(separator: "\n")
            try? journal.write(
                toFile: FileManager.default.temporaryDirectory.appendingPathComponent("soak-attempts.csv").path, atomically: true, encoding: .utf8)
            try? FileManager.default.removeItem(at: FileManager.default.temporaryDirectory.appendingPathComponent("soak-serve.log"))
            try? FileManager.default.copyItem(at: log, to: FileManager.default.temporaryDirectory.appendingPathComponent("soak-serve.log"))
        }
        // No secret reached the logs: not the Twilio auth token, not the shared secret.
        let logText = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(!logText.isEmpty, "the replicas logged")
        for secret in [fake.authToken, "soak-test-secret-0123456789", Data("\(fake.accountSID):\(fake.authToken)".utf8).base64EncodedString()] {
            #expect(!logText.contains(secret), "a secret is in the logs")
        }
        let progress = try await demo.progress()
        #expect(progress.sent == sentAddresses.count && progress.failed == rows.count - sentAddresses.count && progress.total == total)
    }

    /// Every retry waited its configured delay: after an address's n-th 500 the next create came
    /// at least `BKNTC_RETRY_DELAYS[n]` later, and after a 429 at least its `Retry-After` (1 s).
    /// A replica's kill or the database crash (`disruptions`) can lose a 500 before it is
    /// recorded; recovery's lookup then finds no message and releases the row uncounted, so the
    /// engine knows one failure fewer than the fake. A 500 just before a disruption is therefore
    /// not counted: `failures` stays the count the engine surely has, and since the delays never
    /// shrink, the delay asked for is never more than the engine's. Its own gap is still checked:
    /// recorded, it waited its delay; lost, the row came back a lease after its claim, at least
    /// `lease - startBudget` (2 s here) after the call, which is no shorter than any delay.
    static func checkRetryDelays(_ attempts: [FakeTwilio.Attempt], disruptions: [ClosedRange<Date>]) {
        var early: [(to: String, gap: Double, wanted: Double)] = []
        var lateness: [Double] = []
        var afterALease = 0
        var aroundADisruption = 0
        for (_, sequence) in Dictionary(grouping: attempts, by: \.to) {
            var failures = 0
            for (attempt, next) in zip(sequence, sequence.dropFirst()) {
                let gap = next.at.timeIntervalSince(attempt.at)
                guard attempt.answer == "500" || attempt.answer == "429" else { continue }
                let disrupted = disruptions.contains { $0.overlaps(attempt.at...next.at) }
                if disrupted { aroundADisruption += 1 }
                let wanted: Double
                if attempt.answer == "500" {
                    if gap >= lease - 1 {
                        // Lost, or waited behind other rows: not earlier than any delay.
                        afterALease += 1
                        continue
                    }
                    wanted = retryDelays[min(failures, retryDelays.count - 1)]
                    if !disrupted { failures += 1 }
                } else {
                    wanted = 1
                }
                if gap < wanted - 0.05 { early.append((attempt.to, gap, wanted)) }
                lateness.append(gap - wanted)
            }
        }
        lateness.sort()
        func percentile(_ p: Double) -> Double { lateness.isEmpty ? 0 : lateness[min(lateness.count - 1, Int(Double(lateness.count) * p))] }
        print(
            String(
                format:
                    "soak: %d retries after a 500 or 429 within a lease, later than their delay by p50 %.2f s, p99 %.2f s, max %.2f s; %d early; %d more a lease or more later; %d around a kill or the database crash",
                lateness.count, percentile(0.5), percentile(0.99), lateness.last ?? 0, early.count, afterALease, aroundADisruption))
        #expect(!lateness.isEmpty, "retries happened")
        #expect(early.isEmpty, "retries earlier than their delay: \(early.prefix(5))")
    }
}
