import NIOPosix

/// A connection lent by the pool to one `withConnection` body, in autocommit mode. Each call
/// runs the blocking C client on the pool's own thread pool, never on the caller's executor or
/// an event loop.
public struct MariaDBSession: MariaDBQueryable {
    let connection: MariaDBConnection
    let threadPool: NIOThreadPool
    let counters: PoolCounters

    public func query(_ query: MariaDBQuery) async throws -> [MariaDBRow] {
        counters.statement()
        return try await run { try $0.query(query.sql, query.binds) }
    }

    @discardableResult
    public func execute(_ query: MariaDBQuery) async throws -> MariaDBExecResult {
        counters.statement()
        return try await run { try $0.execute(query.sql, query.binds) }
    }

    /// Executes the statements `next` yields (until it returns nil) in one hop to the thread
    /// pool: for bulk loads, where a hop per statement would dominate. Returns the rows affected.
    @discardableResult
    public func executeSequence(_ next: @escaping @Sendable () throws -> MariaDBQuery?) async throws -> Int {
        let counters = self.counters
        return try await run { connection in
            var affected = 0
            while let query = try next() {
                counters.statement()
                affected += try connection.execute(query.sql, query.binds).affectedRows
            }
            return affected
        }
    }

    /// Runs unprepared SQL (DDL, session settings). Never pass user input.
    public func executeRaw(_ sql: RawSQL) async throws {
        counters.statement()
        try await run { try $0.executeRaw(sql) }
    }

    /// Runs `body` in a transaction on this connection: committed when it returns, rolled back
    /// when it throws. Transactions do not nest: the body gets a `MariaDBTransaction`, which
    /// has no way to start another. When InnoDB picks the transaction as a deadlock victim (or
    /// a lock wait times out) it has been rolled back whole, and the body runs again, up to
    /// `deadlockRetries` times: bodies must only do database work, which they re-read.
    @discardableResult
    public func withTransaction<T: Sendable>(
        deadlockRetries: Int = 3, _ body: (MariaDBTransaction) async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await transactionOnce(body)
            } catch let error as MariaDBError where error.isDeadlock && attempt < deadlockRetries && !connection.isBroken {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
            }
        }
    }

    private func transactionOnce<T: Sendable>(_ body: (MariaDBTransaction) async throws -> T) async throws -> T {
        // Calling the session from inside its own transaction would commit the outer one early.
        guard !connection.inTransaction else { throw MariaDBError.nestedTransaction }
        connection.inTransaction = true
        defer { connection.inTransaction = false }
        try await run { try $0.setAutocommit(false) }
        let transaction = MariaDBTransaction(session: self)
        let result: T
        do {
            result = try await body(transaction)
        } catch {
            do {
                try await shielded { connection in
                    try connection.rollback()
                    try connection.setAutocommit(true)
                }
            } catch let rollbackError {
                // The connection's state is unknown: never hand it out again.
                connection.markBroken()
                throw MariaDBError.rollbackFailed(original: String(describing: error), rollback: String(describing: rollbackError))
            }
            throw error
        }
        do {
            try await shielded { connection in
                try connection.commit()
                try connection.setAutocommit(true)
            }
        } catch let error as MariaDBError where error.isDeadlock {
            _ = try? await shielded { connection in
                try connection.rollback()
                try connection.setAutocommit(true)
            }
            throw error
        } catch {
            connection.markBroken()
            throw error
        }
        return result
    }

    public func streamRows(
        _ query: MariaDBQuery, batchSize: Int = 512, _ handle: ([MariaDBRow]) async throws -> Void
    ) async throws {
        counters.statement()
        let cursor = try await run { CursorBox(try $0.openCursor(query.sql, query.binds)) }
        do {
            while true {
                let batch = try await run { connection throws -> [MariaDBRow] in
                    var rows: [MariaDBRow] = []
                    rows.reserveCapacity(batchSize)
                    while rows.count < batchSize, let row = try connection.run({ try cursor.cursor.next() }) {
                        rows.append(row)
                    }
                    return rows
                }
                if batch.isEmpty { break }
                try await handle(batch)
                if batch.count < batchSize { break }
            }
            try await run { _ in cursor.cursor.close() }
        } catch {
            try? await run { _ in cursor.cursor.close() }
            throw error
        }
    }

    /// Like `run`, but not given up when the calling task is cancelled: a commit or rollback
    /// that has started must finish, or the connection's state would be unknown.
    func shielded<T: Sendable>(_ body: @escaping @Sendable (MariaDBConnection) throws -> T) async throws -> T {
        let connection = self.connection
        let threadPool = self.threadPool
        return try await Task { try await threadPool.runIfActive { try body(connection) } }.value
    }

    /// Runs blocking calls on the connection in one hop to the thread pool.
    func run<T: Sendable>(_ body: @escaping @Sendable (MariaDBConnection) throws -> T) async throws -> T {
        let connection = self.connection
        return try await threadPool.runIfActive { try body(connection) }
    }
}

/// A transaction on one lent connection. It exists only inside `withTransaction`, offers no
/// way to begin another (transactions do not nest), and runs statements like a session.
public struct MariaDBTransaction: MariaDBQueryable {
    let session: MariaDBSession

    public func query(_ query: MariaDBQuery) async throws -> [MariaDBRow] { try await session.query(query) }

    @discardableResult
    public func execute(_ query: MariaDBQuery) async throws -> MariaDBExecResult { try await session.execute(query) }

    /// See `MariaDBSession.executeSequence`.
    @discardableResult
    public func executeSequence(_ next: @escaping @Sendable () throws -> MariaDBQuery?) async throws -> Int {
        try await session.executeSequence(next)
    }

    public func streamRows(
        _ query: MariaDBQuery, batchSize: Int = 512, _ handle: ([MariaDBRow]) async throws -> Void
    ) async throws {
        try await session.streamRows(query, batchSize: batchSize, handle)
    }
}

/// Carries a cursor between thread-pool hops; only one hop touches it at a time.
private final class CursorBox: @unchecked Sendable {
    let cursor: RowCursor
    init(_ cursor: RowCursor) { self.cursor = cursor }
}
