import NIOPosix

/// A connection lent by the pool to one `withConnection` body. Each call runs the blocking C
/// client on the pool's own thread pool, never on the caller's executor or an event loop.
public struct MariaDBSession: Sendable {
    let connection: MariaDBConnection
    let threadPool: NIOThreadPool

    /// Runs a query and returns all rows.
    public func query(_ sql: String, _ binds: [any MariaDBBindable] = []) async throws -> [MariaDBRow] {
        let values = binds.map(\.mariaDBBind)
        let connection = self.connection
        return try await threadPool.runIfActive { try connection.query(sql, values) }
    }

    /// Runs a query and returns the first row, if any.
    public func queryFirst(_ sql: String, _ binds: [any MariaDBBindable] = []) async throws -> MariaDBRow? {
        try await query(sql, binds).first
    }

    /// Executes a statement that returns no rows.
    @discardableResult
    public func execute(_ sql: String, _ binds: [any MariaDBBindable] = []) async throws -> MariaDBExecResult {
        let values = binds.map(\.mariaDBBind)
        let connection = self.connection
        return try await threadPool.runIfActive { try connection.execute(sql, values) }
    }

    /// Runs unprepared SQL (DDL, session settings). Never pass user input.
    public func executeRaw(_ sql: RawSQL) async throws {
        let connection = self.connection
        try await threadPool.runIfActive { try connection.executeRaw(sql) }
    }

    /// Runs several blocking calls on the connection in one hop to the thread pool.
    public func run<T: Sendable>(_ body: @escaping @Sendable (MariaDBConnection) throws -> T) async throws -> T {
        let connection = self.connection
        return try await threadPool.runIfActive { try body(connection) }
    }

    /// Streams a result set in batches of at most `batchSize` rows; memory stays bounded by one
    /// batch whatever the result size. The connection is busy until the stream ends.
    public func streamRows(
        _ sql: String, _ binds: [any MariaDBBindable] = [], batchSize: Int = 512,
        _ handle: ([MariaDBRow]) async throws -> Void
    ) async throws {
        let values = binds.map(\.mariaDBBind)
        let connection = self.connection
        let cursor = try await threadPool.runIfActive { CursorBox(try connection.openCursor(sql, values)) }
        do {
            while true {
                let batch = try await threadPool.runIfActive { () throws -> [MariaDBRow] in
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
            try await threadPool.runIfActive { cursor.cursor.close() }
        } catch {
            try? await threadPool.runIfActive { cursor.cursor.close() }
            throw error
        }
    }
}

/// Carries a cursor between thread-pool hops; only one hop touches it at a time.
private final class CursorBox: @unchecked Sendable {
    let cursor: RowCursor
    init(_ cursor: RowCursor) { self.cursor = cursor }
}
