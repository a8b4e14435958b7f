import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport
import Testing

/// A real `serve` process is SIGKILLed mid-send and started again: nobody is messaged twice,
/// nobody is lost, every row ends terminal and the counters equal the rows.
@Suite("Crash recovery with a real process", .serialized)
struct CrashTests {
    static let prefix = try! TablePrefix("wpk_")

    static func serve(database: String, log: URL) throws -> Process {
        try ServeProcess.start(
            database: database, prefix: prefix,
            environment: [
                "BKNTC_SECRET": "crash-test-secret-0123456789", "BKNTC_PROVIDER": "outbox", "BKNTC_SENDING_LEASE": "10",
                "BKNTC_PROVIDER_TIMEOUT": "2", "BKNTC_RATE_LIMIT": "400", "BKNTC_LOG_LEVEL": "warning",
            ], log: log)
    }

    @Test func sigkillMidSendLosesNobodyAndSendsNobodyTwice() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServeProcess.binary.path), "build the bkntc-campaigns product first")
        try await TestDatabase.with("crash") { pool in
            let demo = try await DemoSMSCampaign.install(pool: pool, prefix: Self.prefix, customers: 3000, seed: 3, name: "Crash")
            let total = demo.total
            #expect(total > 1000)

            func count(_ sql: MariaDBQuery) async throws -> Int {
                try await pool.withConnection { try await $0.queryFirst(sql)?.decode(0, as: Int.self) ?? 0 }
            }
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString).log")
            defer {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if !text.isEmpty { print("serve log:\n" + text.suffix(3000)) }
                try? FileManager.default.removeItem(at: log)
            }
            // First process: killed once a few hundred messages went out.
            let first = try Self.serve(database: pool.configuration.database, log: log)
            struct Exited: Error {}
            try await waitUntil {
                guard first.isRunning else { throw Exited() }
                return try await count("SELECT COUNT(*) FROM wpk_bkntc_campaign_outbox") >= 300
            }
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            let outboxAtKill = try await count("SELECT COUNT(*) FROM wpk_bkntc_campaign_outbox")
            let sendingAtKill = try await count("SELECT COUNT(*) FROM wpk_bkntc_campaign_logs WHERE status = 'sending'")
            let sentAtKill = try await count("SELECT COUNT(*) FROM wpk_bkntc_campaign_logs WHERE status = 'sent'")
            print("at the kill: \(outboxAtKill) messages in the outbox, \(sentAtKill) rows sent, \(sendingAtKill) rows sending")
            #expect(outboxAtKill < total, "killed mid-send")
            // Second process: recovers the leased rows by lookup and finishes.
            let second = try Self.serve(database: pool.configuration.database, log: log)
            defer {
                second.terminate()
                second.waitUntilExit()
            }
            try await waitUntil(timeout: .seconds(60)) {
                guard second.isRunning else { throw Exited() }
                return try await count("SELECT COUNT(*) FROM wpk_bkntc_campaigns WHERE id = \(demo.id) AND status = 'completed'") == 1
            }
            let duplicates = try await count(
                "SELECT COUNT(*) FROM (SELECT to_address FROM wpk_bkntc_campaign_outbox GROUP BY to_address HAVING COUNT(*) > 1) d")
            #expect(duplicates == 0, "no address was messaged twice")
            #expect(try await count("SELECT COUNT(*) FROM wpk_bkntc_campaign_outbox") == total, "nobody was lost")
            #expect(try await count("SELECT COUNT(*) FROM wpk_bkntc_campaign_logs WHERE status <> 'sent'") == 0, "every row is terminal")
            let unmatched = try await count(
                """
                SELECT COUNT(*) FROM wpk_bkntc_campaign_logs l LEFT JOIN wpk_bkntc_campaign_outbox o ON o.message_id = l.provider_message_id
                WHERE o.id IS NULL OR o.to_address <> l.address
                """)
            #expect(unmatched == 0, "each row carries the id of its own message")
            let progress = try await demo.progress()
            #expect(progress.sent == total && progress.total == total)
        }
    }
}
