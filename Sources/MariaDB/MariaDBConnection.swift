import CMariaDB
import Foundation

/// Initializes the client library exactly once per process (it is not thread-safe otherwise).
let libraryInitialized: Bool = {
    mysql_server_init(0, nil, nil) == 0
}()

/// One blocking client connection. It is used by one task at a time (the pool guarantees it),
/// and every method blocks: call them only from the pool's thread pool.
public final class MariaDBConnection: @unchecked Sendable {
    let handle: UnsafeMutablePointer<MYSQL>
    private var statements: [String: PreparedStatement] = [:]
    private var statementUse: [String: Int] = [:]
    private var useCounter = 0
    private static let statementCacheSize = 64
    /// Set while a transaction is open on the connection (they do not nest).
    var inTransaction = false
    /// Set when an error showed that the connection can no longer be used.
    public private(set) var isBroken = false
    var lastUsed = ContinuousClock.now
    /// The server's thread id of this connection (`CONNECTION_ID()`).
    public let serverThreadID: UInt

    init(configuration: MariaDBConfiguration) throws {
        guard libraryInitialized else { throw MariaDBError.libraryInitializationFailed }
        guard let handle = mysql_init(nil) else {
            throw MariaDBError.connectionFailed(code: 0, message: "mysql_init returned NULL (out of memory)")
        }
        self.handle = handle
        var connectTimeout = UInt32(configuration.connectTimeout)
        var ioTimeout = UInt32(configuration.readWriteTimeout)
        var noReconnect: CChar = 0
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        mysql_options(handle, MYSQL_OPT_READ_TIMEOUT, &ioTimeout)
        mysql_options(handle, MYSQL_OPT_WRITE_TIMEOUT, &ioTimeout)
        mysql_options(handle, MYSQL_OPT_RECONNECT, &noReconnect)
        mysql_options(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        let socket = configuration.socket.flatMap { $0.isEmpty ? nil : $0 }
        let connected = mysql_real_connect(
            handle, socket == nil ? configuration.host : nil, configuration.user, configuration.password,
            configuration.database, UInt32(configuration.port), socket, 0)
        if connected == nil {
            let error = MariaDBError.connectionFailed(
                code: mysql_errno(handle), message: String(cString: mysql_error(handle)))
            mysql_close(handle)
            throw error
        }
        serverThreadID = UInt(mysql_thread_id(handle))
        do {
            try executeRaw("SET time_zone = '+00:00'")
            for statement in configuration.sessionStatements { try executeRaw(statement) }
        } catch {
            mysql_close(handle)
            throw error
        }
    }

    deinit {
        for statement in statements.values { statement.close() }
        mysql_close(handle)
    }

    /// Runs SQL without preparing it: for DDL and session statements only.
    public func executeRaw(_ sql: RawSQL) throws {
        let status = sql.text.withCString { mysql_real_query(handle, $0, UInt(strlen($0))) }
        if status != 0 { throw error(sql: sql.text) }
        // Drain any result sets so the connection is ready for the next statement.
        repeat {
            if let result = mysql_store_result(handle) { mysql_free_result(result) }
        } while mysql_next_result(handle) == 0
    }

    /// Executes a statement that returns no rows.
    @discardableResult
    public func execute(_ sql: String, _ binds: [MariaDBBind] = []) throws -> MariaDBExecResult {
        let statement = try prepared(sql)
        return try run { try statement.execute(binds) }
    }

    /// Runs a query and returns every row.
    public func query(_ sql: String, _ binds: [MariaDBBind] = []) throws -> [MariaDBRow] {
        var rows: [MariaDBRow] = []
        try forEachRow(sql, binds) { rows.append($0) }
        return rows
    }

    /// Runs a query and hands each row to `body` as it arrives (unbuffered: constant memory).
    public func forEachRow(
        _ sql: String, _ binds: [MariaDBBind] = [], _ body: (MariaDBRow) throws -> Void
    ) throws {
        let statement = try prepared(sql)
        try run {
            let cursor = try statement.open(binds)
            defer { cursor.close() }
            while let row = try cursor.next() { try body(row) }
        }
    }

    /// Opens an unbuffered cursor; the caller must read it to the end or close it before the
    /// connection runs anything else.
    func openCursor(_ sql: String, _ binds: [MariaDBBind]) throws -> RowCursor {
        let statement = try prepared(sql)
        return try run { try statement.open(binds) }
    }

    /// Checks that the server still answers.
    public func ping() -> Bool {
        let alive = mysql_ping(handle) == 0
        if !alive { isBroken = true }
        return alive
    }

    /// Marks the connection unusable (its transaction state is unknown); the pool drops it.
    func markBroken() { isBroken = true }

    func setAutocommit(_ on: Bool) throws {
        if mysql_autocommit(handle, on ? 1 : 0) != 0 { throw error(sql: "SET autocommit") }
    }

    func commit() throws {
        if mysql_commit(handle) != 0 { throw error(sql: "COMMIT") }
    }

    func rollback() throws {
        if mysql_rollback(handle) != 0 { throw error(sql: "ROLLBACK") }
    }

    /// Runs `body`, marking the connection broken if the error says the link is gone.
    func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as MariaDBError {
            if error.isConnectionError { isBroken = true }
            throw error
        }
    }

    private func prepared(_ sql: String) throws -> PreparedStatement {
        useCounter += 1
        if let statement = statements[sql] {
            statementUse[sql] = useCounter
            return statement
        }
        if statements.count >= Self.statementCacheSize,
            let oldest = statementUse.min(by: { $0.value < $1.value })?.key
        {
            statements.removeValue(forKey: oldest)?.close()
            statementUse.removeValue(forKey: oldest)
        }
        let statement = try run { try PreparedStatement(connection: handle, sql: sql) }
        statements[sql] = statement
        statementUse[sql] = useCounter
        return statement
    }

    func error(sql: String) -> MariaDBError {
        let code = mysql_errno(handle)
        let message = String(cString: mysql_error(handle))
        if MariaDBError.connectionLostCodes.contains(code) {
            isBroken = true
            return .connectionLost(code: code, message: message)
        }
        return .server(code: code, sqlState: String(cString: mysql_sqlstate(handle)), message: message, sql: sql)
    }
}
