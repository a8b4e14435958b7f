import Campaigns
import Engine
import Foundation
import MariaDB
import Schema
import TestSupport
import Testing

@testable import CampaignStore

/// Upgrades (DESIGN §3): a database written by the first release (migrations 0001–0003, before
/// the engine) is migrated to the current schema with its data intact, and the campaign it had
/// queued is then sent by the current engine: everyone once, nobody lost.
@Suite("Upgrades from the first release", .serialized)
struct UpgradeTests {
    static let prefix = EngineFixture.prefix

    /// The rows of the first release's columns, in id order, as text.
    static func snapshot(_ db: some MariaDBQueryable) async throws -> [String: [String]] {
        let columns: [String: String] = [
            "wpe_bkntc_campaigns": "id, tenant_key, channel, name, status, segment, filters, body, current_run, total_count, created_at",
            "wpe_bkntc_campaign_logs": "id, campaign_id, run, channel, customer_id, address, first_name, status, attempts, created_at",
            "wpe_bkntc_campaign_suppressions": "id, tenant_key, channel, address, reason, source, created_at",
            "wpe_bkntc_campaign_templates": "id, tenant_key, channel, name, subject, body, is_builtin",
        ]
        var result: [String: [String]] = [:]
        for (table, list) in columns {
            let rows = try await db.query(
                try MariaDBQuery(compiled: "SELECT CONCAT_WS('|', \(list)) AS line FROM \(table) ORDER BY id", binds: []))
            result[table] = try rows.map { try $0.decode("line", as: String.self) }
        }
        return result
    }

    @Test func aFirstReleaseDatabaseUpgradesWithNothingLostAndItsQueuedCampaignGoesOut() async throws {
        try await TestDatabase.with("upgrade") { pool in
            try await BookneticFixture.install(pool: pool, prefix: Self.prefix)
            let firstRelease = try SchemaFiles.migrations().filter { $0.name < "0004" }
            #expect(firstRelease.map { String($0.name.prefix(4)) } == ["0001", "0002", "0003"])
            try await Migrator(pool: pool, prefix: Self.prefix, logger: TestDatabase.logger, files: firstRelease).migrate()
            // Data as the first release wrote it: 30 customers, a queued campaign with its
            // snapshot (30 pending rows), a suppression and a custom template.
            try await pool.withConnection { db in
                let customers = MariaDBQuery.joined(
                    (1...30).map { n in "(\(n), \("First\(n)"), \(String(format: "+4477009%05d", n)), '2025-01-01')" }, separator: ", ")
                try await db.execute("INSERT INTO wpe_bkntc_customers (id, first_name, phone_number, created_at) VALUES \(customers)")
                try await db.execute(
                    """
                    INSERT INTO wpe_bkntc_campaigns (id, tenant_id, tenant_key, channel, name, status, segment, filters, body, current_run,
                      total_count, created_at, updated_at, started_at)
                    VALUES (7, NULL, 0, 'sms', 'Queued before the upgrade', 'queued', '{"type":"all_customers"}',
                      '{"exclude_suppressed":true,"location_ids":[],"service_ids":[],"statuses":[]}', 'Hi {customer_first_name}', 1, 30,
                      '2026-05-01 10:00:00', '2026-05-01 10:00:00', '2026-05-01 10:00:00')
                    """)
                let logs = MariaDBQuery.joined(
                    (1...30).map { n in
                        "(0, 7, 1, 'sms', \(n), \(String(format: "+4477009%05d", n)), \("First\(n)"), 'pending', 0, '2026-05-01 10:00:00', '2026-05-01 10:00:00')"
                    }, separator: ", ")
                try await db.execute(
                    """
                    INSERT INTO wpe_bkntc_campaign_logs (tenant_key, campaign_id, run, channel, customer_id, address, first_name, status,
                      attempts, created_at, updated_at)
                    VALUES \(logs)
                    """)
                try await db.execute(
                    """
                    INSERT INTO wpe_bkntc_campaign_suppressions (tenant_key, channel, address, reason, source, created_at)
                    VALUES (0, 'sms', '+447700999999', 'asked by phone', 'manual', '2026-04-01 09:00:00')
                    """)
                try await db.execute(
                    """
                    INSERT INTO wpe_bkntc_campaign_templates (tenant_key, channel, name, body, is_builtin, created_at, updated_at)
                    VALUES (0, 'sms', 'Our own', 'Hello {customer_name}', 0, '2026-04-01 09:00:00', '2026-04-01 09:00:00')
                    """)
            }
            let before = try await pool.withConnection { try await Self.snapshot($0) }

            let report = try await Migrator(pool: pool, prefix: Self.prefix, logger: TestDatabase.logger).migrate()
            #expect(report.applied.map(\.version) == ["0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012", "0013"])
            let after = try await pool.withConnection { try await Self.snapshot($0) }
            for (table, rows) in before where table != "wpe_bkntc_campaign_templates" {
                #expect(after[table] == rows, "\(table) changed")
            }
            // Templates: the first release's rows are kept; the upgrade only adds the new built-ins.
            let templates = try #require(after["wpe_bkntc_campaign_templates"])
            #expect(Array(templates.prefix(before["wpe_bkntc_campaign_templates"]?.count ?? 0)) == before["wpe_bkntc_campaign_templates"])
            #expect(templates.count == (before["wpe_bkntc_campaign_templates"]?.count ?? 0) + 9)

            var engineConfiguration = pool.configuration
            engineConfiguration.maxConnections = 3
            let enginePool = MariaDBPool(configuration: engineConfiguration, logger: TestDatabase.logger)
            let fixture = EngineFixture.make(
                pool: pool, enginePool: enginePool, configuration: EngineConfiguration(quietHours: .never), sender: FakeSender(),
                clock: ManualClock(EngineFixture.start))
            do {
                let campaign = try await fixture.campaign(7)
                #expect(campaign.kind == .campaign && campaign.holdoutPercent == 0 && campaign.repeatRule == nil)
                try await fixture.drain()
                let sent = fixture.sender.sent.map(\.to)
                #expect(sent.count == 30 && Set(sent).count == 30, "everyone once")
                #expect(try await fixture.status(7) == .completed)
                let rows = try await fixture.rows(7)
                #expect(rows.allSatisfy { $0.status == "sent" })
            } catch {
                await enginePool.close()
                throw error
            }
            await enginePool.close()
        }
    }
}
