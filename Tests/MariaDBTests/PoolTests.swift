import Foundation
import Logging
import MariaDB
import TestSupport
import Testing

@Suite("Pool and transactions", .serialized)
struct PoolTests {
    @Test func transactionsCommitAndRollBack() async throws {
        let pool = try await TestDatabase.create("tx")
        defer { Task { await TestDatabase.drop(pool) } }
        try await pool.withConnection { try await $0.executeRaw("CREATE TABLE a (id INT PRIMARY KEY) ENGINE=InnoDB") }
        try await pool.withTransaction { db in
            try await db.execute("INSERT INTO a VALUES (?)", [1])
            try await db.execute("INSERT INTO a VALUES (?)", [2])
        }
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await pool.withTransaction { db in
                try await db.execute("INSERT INTO a VALUES (?)", [3])
                throw Boom()
            }
        }
        await #expect(throws: MariaDBError.self) {
            try await pool.withTransaction { db in
                try await db.execute("INSERT INTO a VALUES (?)", [4])
                try await db.execute("INSERT INTO a VALUES (?)", [1])
            }
        }
        let ids = try await pool.withConnection { db in
            try await db.query("SELECT id FROM a ORDER BY id").map { try $0.decode("id", as: Int.self) }
        }
        #expect(ids == [1, 2])
        // Autocommit is back on for the next user of the connection.
        try await pool.withConnection { db in try await db.execute("INSERT INTO a VALUES (?)", [5]) }
        let other = try await pool.withConnection { db in
            try await db.queryFirst("SELECT @@autocommit AS ac")?.decode("ac", as: Int.self)
        }
        #expect(other == 1)
    }

    @Test func fiftyConcurrentTasksShareFourConnections() async throws {
        let pool = try await TestDatabase.create("pool", maxConnections: 4)
        defer { Task { await TestDatabase.drop(pool) } }
        try await pool.withConnection { try await $0.executeRaw("CREATE TABLE c (id INT PRIMARY KEY, who BIGINT)") }
        let threadIDs = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 1...50 {
                group.addTask {
                    try await pool.withTransaction { db in
                        try await db.execute("INSERT INTO c VALUES (?, CONNECTION_ID())", [task])
                        _ = try await db.query("SELECT SLEEP(0.01)")
                        return try await db.queryFirst("SELECT CONNECTION_ID() AS id")!.decode("id", as: Int.self)
                    }
                }
            }
            var ids: Set<Int> = []
            for try await id in group { ids.insert(id) }
            return ids
        }
        #expect(threadIDs.count <= 4)
        let stats = await pool.statistics()
        #expect(stats.open <= 4)
        #expect(stats.inUse == 0)
        #expect(stats.waiting == 0)
        let count = try await pool.withConnection { db in
            try await db.queryFirst("SELECT COUNT(*) AS n FROM c")!.decode("n", as: Int.self)
        }
        #expect(count == 50)
    }

    @Test func recoversAfterTheServerKillsItsConnection() async throws {
        var configuration = try TestDatabase.configuration(database: "", maxConnections: 1)
        configuration.validateAfterIdleSeconds = 60
        let pool = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        let admin = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        defer { Task { await pool.close(); await admin.close() } }
        let first = try await pool.withConnection { try await $0.queryFirst("SELECT CONNECTION_ID() AS id")!.decode("id", as: Int.self) }
        try await admin.withConnection { try await $0.execute("KILL CONNECTION ?", [first]) }
        // Without validation the next statement hits the dead link: a typed error, then recovery.
        do {
            _ = try await pool.withConnection { try await $0.query("SELECT 1") }
            Issue.record("a killed connection should report an error")
        } catch let error as MariaDBError {
            #expect(error.isConnectionError, "got \(error.detail)")
        }
        let second = try await pool.withConnection { try await $0.queryFirst("SELECT CONNECTION_ID() AS id")!.decode("id", as: Int.self) }
        #expect(second != first)
        #expect(await pool.statistics().open == 1)

        // With validation (idle longer than the threshold) the pool replaces it transparently.
        var validating = configuration
        validating.validateAfterIdleSeconds = 0
        let checked = MariaDBPool(configuration: validating, logger: TestDatabase.logger)
        defer { Task { await checked.close() } }
        let victim = try await checked.withConnection { try await $0.queryFirst("SELECT CONNECTION_ID() AS id")!.decode("id", as: Int.self) }
        try await admin.withConnection { try await $0.execute("KILL CONNECTION ?", [victim]) }
        let replacement = try await checked.withConnection { try await $0.queryFirst("SELECT CONNECTION_ID() AS id")!.decode("id", as: Int.self) }
        #expect(replacement != victim)
    }

    @Test func unreachableServerFailsWithATypedError() async throws {
        var configuration = try TestDatabase.configuration(database: "")
        configuration.port = 1
        configuration.connectTimeout = 2
        let pool = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        defer { Task { await pool.close() } }
        do {
            _ = try await pool.withConnection { try await $0.query("SELECT 1") }
            Issue.record("connecting to port 1 should fail")
        } catch let error as MariaDBError {
            guard case .connectionFailed = error else {
                Issue.record("expected connectionFailed, got \(error)")
                return
            }
            #expect(!error.description.contains(configuration.password.isEmpty ? "\u{0}" : configuration.password))
        }
        #expect(await pool.statistics().open == 0)
    }
}

@Suite("Connection set-up")
struct ConnectionSetupTests {
    @Test func everyConnectionIsUTCAndRunsTheSessionStatements() async throws {
        var configuration = try TestDatabase.configuration(database: "", maxConnections: 2)
        configuration.sessionStatements = ["SET SESSION tmp_table_size = 33554432", "SET SESSION sql_mode = 'ANSI_QUOTES'"]
        let pool = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        defer { Task { await pool.close() } }
        let row = try #require(try await pool.withConnection { db in
            try await db.queryFirst("SELECT @@session.time_zone AS tz, @@session.tmp_table_size AS tmp, @@session.sql_mode AS mode")
        })
        #expect(try row.decode("tz", as: String.self) == "+00:00")
        #expect(try row.decode("tmp", as: Int.self) == 33_554_432)
        #expect(try row.decode("mode", as: String.self) == "ANSI_QUOTES")
    }
}
