import Foundation
import Logging
import MariaDB
import TestSupport
import Testing

@Suite("Pool and transactions", .serialized)
struct PoolTests {
    @Test func transactionsCommitAndRollBack() async throws {
        try await TestDatabase.with("tx") { pool in
            try await pool.withConnection { try await $0.executeRaw("CREATE TABLE a (id INT PRIMARY KEY) ENGINE=InnoDB") }
            try await pool.withTransaction { tx in
                try await tx.execute("INSERT INTO a VALUES (\(1))")
                try await tx.execute("INSERT INTO a VALUES (\(2))")
            }
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await pool.withTransaction { tx in
                    try await tx.execute("INSERT INTO a VALUES (\(3))")
                    throw Boom()
                }
            }
            await #expect(throws: MariaDBError.self) {
                try await pool.withTransaction { tx in
                    try await tx.execute("INSERT INTO a VALUES (\(4))")
                    try await tx.execute("INSERT INTO a VALUES (\(1))")
                }
            }
            let ids = try await pool.withConnection { db in
                try await db.query("SELECT id FROM a ORDER BY id").map { try $0.decode("id", as: Int.self) }
            }
            #expect(ids == [1, 2])
            // Autocommit is back on for the next user of the connection.
            try await pool.withConnection { db in try await db.execute("INSERT INTO a VALUES (\(5))") }
            let other = try await pool.withConnection { db in
                try await db.queryFirst("SELECT @@autocommit AS ac")?.decode("ac", as: Int.self)
            }
            #expect(other == 1)
        }
    }

    @Test func transactionsDoNotNest() async throws {
        let pool = MariaDBPool(configuration: try TestDatabase.configuration(database: "", maxConnections: 1), logger: TestDatabase.logger)
        let again = try await pool.withConnection { db -> Int? in
            await #expect(throws: MariaDBError.self) {
                try await db.withTransaction { _ in try await db.withTransaction { _ in 1 } }
            }
            // The outer transaction was rolled back; the session is usable again.
            return try await db.withTransaction { tx in try await tx.queryFirst("SELECT 7 AS n")?.decode("n", as: Int.self) }
        }
        #expect(again == 7)
        await pool.close()
    }

    @Test func aFailedRollbackIsReportedAndTheConnectionDropped() async throws {
        var configuration = try TestDatabase.configuration(database: "", maxConnections: 1)
        configuration.validateAfterIdleSeconds = 60
        let pool = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        let admin = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        struct Boom: Error {}
        do {
            try await pool.withTransaction { tx in
                let id = try #require(try await tx.queryFirst("SELECT CONNECTION_ID() AS id")).decode("id", as: Int.self)
                try await admin.withConnection { try await $0.execute("KILL CONNECTION \(id)") }
                throw Boom()
            }
            Issue.record("the transaction should fail")
        } catch let error as MariaDBError {
            guard case .rollbackFailed(let original, _) = error else {
                Issue.record("expected rollbackFailed, got \(error.detail)")
                await pool.close()
                await admin.close()
                return
            }
            #expect(original.contains("Boom"))
        }
        // The broken connection was not returned to the pool: the next lease opens a new one.
        #expect(try await pool.withConnection { try await $0.queryFirst("SELECT 1 AS one")?.decode("one", as: Int.self) } == 1)
        await pool.close()
        await admin.close()
    }

    @Test func fiftyConcurrentTasksShareFourConnections() async throws {
        try await TestDatabase.with("pool", maxConnections: 4) { pool in
            try await pool.withConnection { try await $0.executeRaw("CREATE TABLE c (id INT PRIMARY KEY, who BIGINT)") }
            let threadIDs = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 1...50 {
                    group.addTask {
                        try await pool.withTransaction { tx in
                            try await tx.execute("INSERT INTO c VALUES (\(task), CONNECTION_ID())")
                            _ = try await tx.query("SELECT SLEEP(0.01)")
                            return try await tx.queryFirst("SELECT CONNECTION_ID() AS id")!.decode("id", as: Int.self)
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
    }

    @Test func waitingForAConnectionIsBounded() async throws {
        var configuration = try TestDatabase.configuration(database: "", maxConnections: 1)
        configuration.acquireTimeout = 0.3
        let pool = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        let started = ContinuousClock.now
        // Holding the only connection and asking for a second one (the nested-lease mistake)
        // ends with a typed error instead of hanging forever.
        do {
            try await pool.withConnection { _ in
                try await pool.withConnection { _ in Issue.record("a second lease cannot be granted") }
            }
            Issue.record("the nested lease should time out")
        } catch let error as MariaDBError {
            guard case .poolExhausted = error else {
                Issue.record("expected poolExhausted, got \(error.detail)")
                await pool.close()
                return
            }
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        let stats = await pool.statistics()
        #expect(stats.waiting == 0)
        #expect(stats.inUse == 0)
        await pool.close()
    }

    @Test func aFullWaitingQueueShedsTheNextCallerAtOnce() async throws {
        var configuration = try TestDatabase.configuration(database: "", maxConnections: 1)
        configuration.acquireTimeout = 60
        configuration.maxWaiters = 2
        let pool = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        try await pool.withConnection { _ in
            let waiting = (0..<2).map { index in Task { try await pool.withConnection { _ in index } } }
            while await pool.statistics().waiting < 2 { try await Task.sleep(for: .milliseconds(5)) }
            // The third waiter is refused without waiting for the 60 s timeout.
            let started = ContinuousClock.now
            await #expect(throws: MariaDBError.self) { try await pool.withConnection { _ in 3 } }
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(await pool.statistics().waiting == 2)
            for task in waiting { task.cancel() }
            for task in waiting { _ = await task.result }
        }
        // The queue drained: the pool serves again.
        #expect(try await pool.withConnection { _ in 4 } == 4)
        await pool.close()
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        var configuration = try TestDatabase.configuration(database: "", maxConnections: 1)
        configuration.acquireTimeout = 60
        let pool = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        try await pool.withConnection { _ in
            let waiter = Task { try await pool.withConnection { _ in 1 } }
            while await pool.statistics().waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
            waiter.cancel()
            let result = await waiter.result
            #expect(throws: CancellationError.self) { try result.get() }
            #expect(await pool.statistics().waiting == 0)
        }
        // The slot is free again.
        #expect(try await pool.withConnection { _ in 2 } == 2)
        await pool.close()
    }

    @Test func leasesAndStatementsAreCounted() async throws {
        let configuration = try TestDatabase.configuration(database: "", maxConnections: 2)
        let pool = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        let before = await pool.statistics()
        try await pool.withConnection { db in
            _ = try await db.query("SELECT 1")
            _ = try await db.query("SELECT 2")
        }
        let after = await pool.statistics()
        #expect(after.leases - before.leases == 1)
        #expect(after.statements - before.statements == 2)
        await pool.close()
    }

    @Test func recoversAfterTheServerKillsItsConnection() async throws {
        var configuration = try TestDatabase.configuration(database: "", maxConnections: 1)
        configuration.validateAfterIdleSeconds = 60
        let pool = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        let admin = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        let first = try await pool.withConnection { try await $0.queryFirst("SELECT CONNECTION_ID() AS id")!.decode("id", as: Int.self) }
        try await admin.withConnection { try await $0.execute("KILL CONNECTION \(first)") }
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
        let victim = try await checked.withConnection { try await $0.queryFirst("SELECT CONNECTION_ID() AS id")!.decode("id", as: Int.self) }
        try await admin.withConnection { try await $0.execute("KILL CONNECTION \(victim)") }
        let replacement = try await checked.withConnection { try await $0.queryFirst("SELECT CONNECTION_ID() AS id")!.decode("id", as: Int.self) }
        #expect(replacement != victim)
        await pool.close()
        await admin.close()
        await checked.close()
    }

    @Test func unreachableServerFailsWithATypedError() async throws {
        var configuration = try TestDatabase.configuration(database: "")
        configuration.port = 1
        configuration.connectTimeout = 2
        let pool = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        do {
            _ = try await pool.withConnection { try await $0.query("SELECT 1") }
            Issue.record("connecting to port 1 should fail")
        } catch let error as MariaDBError {
            guard case .connectionFailed = error else {
                Issue.record("expected connectionFailed, got \(error)")
                await pool.close()
                return
            }
            #expect(!error.description.contains(configuration.password.isEmpty ? "\u{0}" : configuration.password))
        }
        #expect(await pool.statistics().open == 0)
        await pool.close()
    }
}

@Suite("Connection set-up")
struct ConnectionSetupTests {
    @Test func everyConnectionIsUTCAndRunsTheSessionStatements() async throws {
        var configuration = try TestDatabase.configuration(database: "", maxConnections: 2)
        configuration.sessionStatements = ["SET SESSION tmp_table_size = 33554432", "SET SESSION sql_mode = 'ANSI_QUOTES'"]
        let pool = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
        let row = try #require(
            try await pool.withConnection { db in
                try await db.queryFirst("SELECT @@session.time_zone AS tz, @@session.tmp_table_size AS tmp, @@session.sql_mode AS mode")
            })
        #expect(try row.decode("tz", as: String.self) == "+00:00")
        #expect(try row.decode("tmp", as: Int.self) == 33_554_432)
        #expect(try row.decode("mode", as: String.self) == "ANSI_QUOTES")
        await pool.close()
    }
}

@Suite("Typed queries")
struct QueryTests {
    @Test func interpolationBindsEveryValue() throws {
        let table: SQLIdentifier = "`wp_bkntc_campaigns`"
        let evil = "x' OR '1'='1"
        let ids = [1, 2, 3]
        let query: MariaDBQuery = "SELECT * FROM \(identifier: table) WHERE name = \(evil) AND id IN (\(list: ids)) AND x = \(Int?.none)"
        #expect(query.sql == "SELECT * FROM `wp_bkntc_campaigns` WHERE name = ? AND id IN (?, ?, ?) AND x = ?")
        #expect(query.binds == [.string(evil), .int(1), .int(2), .int(3), .null])
        #expect(!query.sql.contains(evil))
        let empty: MariaDBQuery = "id IN (\(list: [Int]()))"
        #expect(empty.sql == "id IN (NULL)")
        #expect(empty.binds.isEmpty)
        let joined = MariaDBQuery.joined(["a = \(1)", "b = \(2)"], separator: " AND ")
        #expect(joined.sql == "a = ? AND b = ?")
        #expect(joined.binds == [.int(1), .int(2)])
    }

    @Test func identifiersRefuseAnythingButNames() {
        #expect(SQLIdentifier(String("wp_bkntc_logs")) != nil)
        #expect(SQLIdentifier(String("`wp_options`")) != nil)
        #expect(SQLIdentifier(String("information_schema.TABLES")) != nil)
        for bad in ["", "a b", "x`; DROP", "t'", "t\"", "é", String(repeating: "a", count: 129)] {
            #expect(SQLIdentifier(bad) == nil, "\(bad)")
        }
    }

    @Test func compiledQueriesMustMatchTheirBinds() throws {
        #expect(try MariaDBQuery(compiled: "SELECT ? , '?' , `?`", binds: [.int(1)]).binds.count == 1)
        #expect(throws: MariaDBError.self) { try MariaDBQuery(compiled: "SELECT ?, ?", binds: [.int(1)]) }
    }
}
