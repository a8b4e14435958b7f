import CampaignStore
import Campaigns
import DemoData
import Foundation
import MariaDB
import TestSupport
import Testing

/// The soak harness (issue: reliability), small: two real `serve` replicas share one MariaDB and
/// send a campaign to the Twilio-compatible fake while it answers 10 % 500s, 1 % timeouts and
/// bursts of 429; one replica is SIGKILLed and restarted twice and a database connection is
/// killed. Afterwards every recipient has exactly one terminal state, the fake received no
/// address twice and missed nobody who is `sent`, and the counters equal the rows.
/// `BKNTC_SOAK_CUSTOMERS` (default 5,000) and `BKNTC_SOAK_KILLS` (2) make it bigger
/// (`Scripts/soak`).
@Suite("Soak: two replicas, faults, kills", .serialized)
struct SoakTests {
    static let prefix = try! TablePrefix("wps_")
    static let environment = ProcessInfo.processInfo.environment
    static let customers = Int(environment["BKNTC_SOAK_CUSTOMERS"] ?? "") ?? 5000
    static let kills = Int(environment["BKNTC_SOAK_KILLS"] ?? "") ?? 2
    /// `BKNTC_SOAK_FAULTS=off`: the fault-free baseline (no injected faults, no kills).
    static let faults = environment["BKNTC_SOAK_FAULTS"] != "off"

    static func serve(database: String, fake: FakeTwilio, log: URL) throws -> Process {
        try ServeProcess.start(
            database: database, prefix: prefix,
            environment: [
                "BKNTC_SECRET": "soak-test-secret-0123456789", "BKNTC_PROVIDER": "live", "BKNTC_TWILIO_API_BASE": fake.baseURL,
                "BKNTC_SENDING_LEASE": "12", "BKNTC_PROVIDER_TIMEOUT": "1", "BKNTC_RETRY_DELAYS": "1,2", "BKNTC_RATE_LIMIT": "2000",
                "BKNTC_SEND_CONCURRENCY": "8",
                // Info: every line the service logs under faults is scanned for secrets afterwards.
                "BKNTC_LOG_LEVEL": "info",
            ], log: log)
    }

    @Test func twoReplicasUnderFaultsAndKillsLoseNobodyAndSendNobodyTwice() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServeProcess.binary.path), "build the bkntc-campaigns product first")
        let fake = try await FakeTwilio.start()
        defer { Task { await fake.stop() } }
        try await TestDatabase.with("soak") { pool in
            try await BookneticFixture.install(pool: pool, prefix: Self.prefix)
            try await Migrator(pool: pool, prefix: Self.prefix, logger: TestDatabase.logger).migrate()
            _ = try await DemoDataGenerator(pool: pool, prefix: Self.prefix, logger: TestDatabase.logger).generate(
                DemoDataOptions(tenants: 0, customers: Self.customers, appointments: 100, seed: 11))
            try await pool.withConnection { db in
                try await db.execute("UPDATE wps_options SET option_value = \(fake.accountSID) WHERE option_name = 'bkntc_sms_account_sid'")
                try await db.execute("UPDATE wps_options SET option_value = \(fake.authToken) WHERE option_name = 'bkntc_sms_auth_token'")
            }
            let clock = SystemClock()
            let settings = MariaDBSiteSettings(pool: pool, prefix: Self.prefix, fallbackCountryCode: "44", clock: clock)
            let campaigns = MariaDBCampaignRepository(pool: pool, prefix: Self.prefix, settings: settings, clock: clock)
            let everything = CapabilitySet.everything(planChannels: nil)
            let draft = CampaignDraft(channel: .sms, name: "Soak", segment: Segment(type: .allCustomers), body: "Hi {customer_first_name}")
            let created = try await campaigns.create(scope: .singleSite, draft: draft, createdBy: 1).campaign
            let total = try await campaigns.send(scope: .singleSite, id: created.id, access: AccessCheck(.send, in: everything)).campaign
                .totalCount
            #expect(total > Self.customers / 2)
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
            var replicas = [try Self.serve(database: pool.configuration.database, fake: fake, log: log),
                            try Self.serve(database: pool.configuration.database, fake: fake, log: log)]
            var kills = 0
            var connectionKills = 0
            func finished() async throws -> Bool {
                try await count("SELECT COUNT(*) FROM wps_bkntc_campaigns WHERE id = \(created.id) AND status IN ('completed', 'failed')") == 1
            }
            do {
                // Faults while it runs: kill a replica at every share of the messages, restart it,
                // and kill one of its database connections half-way.
                for step in 0..<(Self.faults ? Self.kills : 0) {
                    let mark = total * (step + 1) / (Self.kills + 2)
                    try await waitUntil(timeout: .seconds(max(120, total / 40))) {
                        if fake.messages.count >= mark { return true }
                        return try await finished()
                    }
                    if try await finished() { break }
                    let victim = replicas.remove(at: step % 2 == 0 ? 0 : replicas.count - 1)
                    kill(victim.processIdentifier, SIGKILL)
                    victim.waitUntilExit()
                    kills += 1
                    replicas.append(try Self.serve(database: pool.configuration.database, fake: fake, log: log))
                    if step == 0 {
                        try await pool.withConnection { db in
                            let ids = try await db.query(
                                """
                                SELECT id FROM information_schema.processlist
                                WHERE db = \(pool.configuration.database) AND id <> CONNECTION_ID() AND command <> 'Daemon'
                                """
                            ).map { try $0.decode("id", as: Int.self) }
                            if let victim = ids.randomElement() {
                                _ = try? await db.execute("KILL CONNECTION \(victim)")
                                connectionKills += 1
                            }
                        }
                    }
                }
                try await waitUntil(timeout: .seconds(max(180, total / 40))) { try await finished() }
            } catch {
                for replica in replicas where replica.isRunning { replica.terminate() }
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                print("serve log:\n" + text.suffix(4000))
                throw error
            }
            let elapsed = ContinuousClock.now - started
            for replica in replicas where replica.isRunning { replica.terminate() }
            for replica in replicas { replica.waitUntilExit() }

            let rows = try await pool.withConnection { db in
                try await db.query("SELECT address, status, attempts, provider_message_id FROM wps_bkntc_campaign_logs WHERE campaign_id = \(created.id)")
                    .map { (address: try $0.decode("address", as: String.self), status: try $0.decode("status", as: String.self),
                            attempts: try $0.decode("attempts", as: Int.self), sid: try $0.decode("provider_message_id", as: String?.self)) }
            }
            let received = fake.messages
            let faults = fake.faultCounts
            print(
                "soak: \(total) recipients, \(received.count) messages received in \(elapsed), kills \(kills), connection kills "
                    + "\(connectionKills), faults \(faults.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")), "
                    + "rows \(Dictionary(grouping: rows, by: \.status).mapValues(\.count).sorted { $0.key < $1.key }), "
                    + String(format: "%.0f msg/s", Double(received.count) / max(0.001, Double(elapsed.components.seconds))))
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
            #expect(!Self.faults || !everyKind || ((faults["500"] ?? 0) > 0 && (faults["slow"] ?? 0) > 0 && (faults["429"] ?? 0) > 0), "every kind of fault happened")
            // No secret reached the logs: not the Twilio auth token, not the shared secret.
            let logText = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(!logText.isEmpty, "the replicas logged")
            for secret in [fake.authToken, "soak-test-secret-0123456789", Data("\(fake.accountSID):\(fake.authToken)".utf8).base64EncodedString()] {
                #expect(!logText.contains(secret), "a secret is in the logs")
            }
            let progress = try await campaigns.progress(scope: .singleSite, id: created.id, run: nil, access: AccessCheck(.read, in: everything))
                .progress
            #expect(progress.sent == sentAddresses.count && progress.failed == rows.count - sentAddresses.count && progress.total == total)
        }
    }
}
