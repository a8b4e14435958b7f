import Foundation
import MariaDB
import Schema
import TestSupport
import Testing

@testable import CampaignStore

@Suite("Migrations", .serialized)
struct MigrationTests {
    func tables(_ pool: MariaDBPool) async throws -> [String: String] {
        try await pool.withConnection { db in
            var result: [String: String] = [:]
            for row in try await db.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()") {
                let name: String = try row.decode("TABLE_NAME")
                let create = try await db.queryFirst("SHOW CREATE TABLE \(identifier: try #require(SQLIdentifier(name)))")
                result[name] = try create?.decode(1, as: String.self).replacingOccurrences(
                    of: #"AUTO_INCREMENT=\d+ "#, with: "", options: .regularExpression)
            }
            return result
        }
    }

    @Test func applyOnAnEmptyDatabaseIdempotentlyWithANonDefaultPrefix() async throws {
        let pool = try await TestDatabase.create("migrate")
        try await TestDatabase.dropping(pool) {
            let prefix = try TablePrefix("wpx_")
            let migrator = Migrator(pool: pool, prefix: prefix, logger: TestDatabase.logger)
            #expect(try await migrator.isCurrent() == false)

            let dryRun = try await migrator.migrate(dryRun: true)
            #expect(
                dryRun.applied.map(\.version) == [
                    "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012", "0013",
                ])
            #expect(dryRun.applied[0].statements.first?.contains("CREATE TABLE IF NOT EXISTS `wpx_bkntc_campaigns`") == true)
            #expect(try await tables(pool).isEmpty, "a dry run changes nothing")

            let first = try await migrator.migrate()
            #expect(first.applied.count == 13)
            let afterFirst = try await tables(pool)
            #expect(
                Set(afterFirst.keys) == [
                    "wpx_bkntc_campaigns", "wpx_bkntc_campaign_logs", "wpx_bkntc_campaign_templates",
                    "wpx_bkntc_campaign_suppressions", "wpx_bkntc_campaign_migrations", "wpx_bkntc_campaign_nonces",
                    "wpx_bkntc_campaign_sessions", "wpx_bkntc_campaign_settings", "wpx_bkntc_campaign_outbox", "wpx_bkntc_campaign_rates",
                    "wpx_bkntc_campaign_callbacks", "wpx_bkntc_campaign_audit", "wpx_bkntc_campaign_idempotency",
                    "wpx_bkntc_campaign_audiences", "wpx_bkntc_campaign_links", "wpx_bkntc_campaign_broadcasts",
                ])
            #expect(afterFirst["wpx_bkntc_campaigns"]?.contains("`kind` varchar(16) NOT NULL DEFAULT 'campaign'") == true)
            #expect(afterFirst["wpx_bkntc_campaigns"]?.contains("`holdout_percent` tinyint(3) unsigned NOT NULL DEFAULT 0") == true)
            #expect(
                afterFirst["wpx_bkntc_campaign_logs"]?.contains(
                    "KEY `idx_campaign_customer` (`campaign_id`,`customer_id`,`status`,`sent_at`,`tenant_key`)") == true)
            #expect(afterFirst.keys.allSatisfy { !$0.hasPrefix("wp_") })
            #expect(afterFirst["wpx_bkntc_campaign_logs"]?.contains("KEY `idx_claim` (`campaign_id`,`status`,`next_attempt_at`)") == true)
            #expect(afterFirst["wpx_bkntc_campaign_suppressions"]?.contains("UNIQUE KEY `uniq_address` (`tenant_key`,`channel`,`address`)") == true)
            #expect(afterFirst["wpx_bkntc_campaigns"]?.contains("ENGINE=InnoDB") == true)
            #expect(afterFirst["wpx_bkntc_campaigns"]?.contains("utf8mb4") == true)
            #expect(try await migrator.isCurrent())

            let templateCount: @Sendable () async throws -> Int = {
                try await pool.withConnection { try await $0.queryFirst("SELECT COUNT(*) AS n FROM wpx_bkntc_campaign_templates")!.decode("n") }
            }
            #expect(try await templateCount() == 21)
            let second = try await migrator.migrate()
            #expect(second.applied.isEmpty)
            #expect(
                second.alreadyApplied == ["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012", "0013"])
            #expect(try await tables(pool) == afterFirst)
            #expect(try await templateCount() == 21)
        }
    }

    /// 0008: rows the earlier releases held with `last_error = 'quiet_hours'` become held rows
    /// without an error (DESIGN §21); real errors stay.
    @Test func quietHoursInLastErrorBecomeHeldRows() async throws {
        let pool = try await TestDatabase.create("migrate_held")
        try await TestDatabase.dropping(pool) {
            let prefix = try TablePrefix("wph_")
            let before = try SchemaFiles.migrations().filter { $0.name < "0008" }
            try await Migrator(pool: pool, prefix: prefix, logger: TestDatabase.logger, files: before).migrate()
            try await pool.withConnection { db in
                try await db.execute(
                    """
                    INSERT INTO wph_bkntc_campaign_logs (tenant_key, campaign_id, run, channel, address, status, next_attempt_at, last_error,
                      created_at, updated_at) VALUES
                      (0, 1, 1, 'sms', '+447700900001', 'pending', '2030-01-15 08:00:00', 'quiet_hours', '2030-01-15 02:00:00', '2030-01-15 02:00:00'),
                      (0, 1, 1, 'sms', '+447700900002', 'pending', '2030-01-15 02:02:00', 'timeout', '2030-01-15 02:00:00', '2030-01-15 02:00:00'),
                      (0, 1, 1, 'sms', '+447700900003', 'skipped', NULL, 'quiet_hours', '2030-01-15 02:00:00', '2030-01-15 02:00:00'),
                      (0, 1, 1, 'sms', '+447700900004', 'pending', NULL, NULL, '2030-01-15 02:00:00', '2030-01-15 02:00:00')
                    """)
            }
            try await Migrator(pool: pool, prefix: prefix, logger: TestDatabase.logger).migrate()
            let rows = try await pool.withConnection { db in
                try await db.query("SELECT held, last_error FROM wph_bkntc_campaign_logs ORDER BY id")
                    .map { "\(try $0.decode("held", as: Int.self)) \(try $0.decode("last_error", as: String?.self) ?? "NULL")" }
            }
            #expect(rows == ["1 NULL", "0 timeout", "0 NULL", "0 NULL"])
        }
    }

    /// Replicas that start together on an empty database (DESIGN §20): before the lock, two
    /// `migrate` processes started at once failed with "Duplicate entry '0001'" every time.
    @Test func replicasMigratingAtOnceApplyEachFileOnceAndAllSucceed() async throws {
        let pool = try await TestDatabase.create("migrate_race")
        try await TestDatabase.dropping(pool) {
            let prefix = try TablePrefix("wpr_")
            let files = try await Migrator(pool: pool, prefix: prefix, logger: TestDatabase.logger).migrate(dryRun: true).applied.count
            // Four replicas, each with its own pool (its own connections), like four processes.
            let pools = (0..<4).map { _ in MariaDBPool(configuration: pool.configuration, logger: TestDatabase.logger) }
            let reports = try await withThrowingTaskGroup(of: MigrationReport.self) { group in
                for replica in pools {
                    group.addTask { try await Migrator(pool: replica, prefix: prefix, logger: TestDatabase.logger).migrate() }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for replica in pools { await replica.close() }
            #expect(reports.count == 4)
            #expect(reports.map(\.applied.count).reduce(0, +) == files, "each file applied by exactly one replica")
            #expect(reports.filter { !$0.applied.isEmpty }.count == 1, "the first applies everything, the others find it done")
            let recorded: Int? = try await pool.withConnection { db in
                try await db.queryFirst("SELECT COUNT(*) AS n FROM `wpr_bkntc_campaign_migrations`")?.decode("n")
            }
            #expect(recorded == files)
            #expect(try await Migrator(pool: pool, prefix: prefix, logger: TestDatabase.logger).isCurrent())
        }
    }

    @Test func aFailureNamesTheFileAndTheStatement() async throws {
        let pool = try await TestDatabase.create("badmigration")
        try await TestDatabase.dropping(pool) {
            let files = [
                SchemaFiles.File(
                    name: "0001_ok.sql",
                    sql:
                        "CREATE TABLE `{prefix}one` (id INT);\n-- comment; with semicolon\nCREATE TABLE `{prefix}two` (note VARCHAR(10) DEFAULT 'a;b');"
                ),
                SchemaFiles.File(name: "0002_broken.sql", sql: "CREATE TABLE `{prefix}three` (id INT);\nCREATE TABLE `{prefix}four` (id INT,,);"),
            ]
            let migrator = Migrator(pool: pool, prefix: try TablePrefix("zz_"), logger: TestDatabase.logger, files: files)
            do {
                try await migrator.migrate()
                Issue.record("the broken migration should fail")
            } catch let error as MigrationError {
                guard case .statementFailed(let file, let statement, _, _) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(file == "0002_broken.sql")
                #expect(statement == 2)
                #expect(error.description.contains("0002_broken.sql"))
            }
            let recorded = try await pool.withConnection { db in
                try await db.query("SELECT version FROM zz_bkntc_campaign_migrations").map { try $0.decode("version", as: String.self) }
            }
            #expect(recorded == ["0001"], "the good migration is recorded, the broken one is not")
            let defaults = try await pool.withConnection { try await $0.queryFirst("SHOW CREATE TABLE zz_two")?.decode(1, as: String.self) }
            #expect(defaults?.contains("'a;b'") == true)
        }
    }
}
