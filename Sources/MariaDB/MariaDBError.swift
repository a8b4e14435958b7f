/// Everything that can go wrong talking to MariaDB/MySQL.
///
/// `description` is generic and safe to show to API callers; `detail` carries the server's
/// message and the SQL for logs. Neither ever contains bound values or passwords.
public enum MariaDBError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The server could not be reached or refused the login.
    case connectionFailed(code: UInt32, message: String)
    /// An established connection broke (server restart, `KILL CONNECTION`, network).
    case connectionLost(code: UInt32, message: String)
    /// The server rejected a statement.
    case server(code: UInt32, sqlState: String, message: String, sql: String)
    /// The number of bound values does not match the statement's placeholders.
    case bindCountMismatch(expected: Int, got: Int, sql: String)
    /// A column value could not be converted to the requested Swift type.
    case decoding(column: String, expected: String, found: String)
    /// A column name that the result set does not have.
    case missingColumn(String)
    /// The pool has been shut down.
    case poolClosed
    /// A bound value the server cannot store (a date outside the years 1–9999).
    case valueOutOfRange(parameter: Int, sql: String)
    /// No connection became free within the pool's acquire timeout.
    case poolExhausted(waitedSeconds: Double)
    /// A transaction failed and rolling it back failed too; the connection was dropped.
    case rollbackFailed(original: String, rollback: String)
    /// The client library could not be initialized.
    case libraryInitializationFailed
    /// A transaction was begun on a connection that already has one open.
    case nestedTransaction

    /// Error codes that mean the connection itself is gone.
    static let connectionLostCodes: Set<UInt32> = [2006, 2013, 2055, 1927, 4031, 1053]

    /// A short description without server detail.
    public var description: String {
        switch self {
        case .connectionFailed(let code, _): "database unreachable (code \(code))"
        case .connectionLost(let code, _): "database connection lost (code \(code))"
        case .server(let code, let state, _, _): "database error \(code) (\(state))"
        case .bindCountMismatch(let expected, let got, _):
            "statement expects \(expected) values, got \(got)"
        case .decoding(let column, let expected, _): "column \(column) is not a valid \(expected)"
        case .missingColumn(let name): "result has no column \(name)"
        case .poolClosed: "database pool is closed"
        case .valueOutOfRange(let parameter, _): "value \(parameter) is out of the database's range"
        case .poolExhausted: "database busy: no connection became free in time"
        case .rollbackFailed: "database transaction could not be rolled back"
        case .libraryInitializationFailed: "the MariaDB client library failed to initialize"
        case .nestedTransaction: "a transaction was begun inside another one"
        }
    }

    /// Full detail for logs: the server's message and the statement text (never bound values).
    public var detail: String {
        switch self {
        case .connectionFailed(let code, let message): "connect failed \(code): \(message)"
        case .connectionLost(let code, let message): "connection lost \(code): \(message)"
        case .server(let code, let state, let message, let sql):
            "error \(code) (\(state)): \(message) in: \(sql.prefix(2000))"
        case .bindCountMismatch(let expected, let got, let sql):
            "expected \(expected) binds, got \(got) in: \(sql.prefix(2000))"
        case .decoding(let column, let expected, let found):
            "column \(column): cannot decode \(expected) from \(found)"
        case .missingColumn(let name): "missing column \(name)"
        case .poolClosed: "pool closed"
        case .valueOutOfRange(let parameter, let sql): "bound value \(parameter) out of range in: \(sql.prefix(2000))"
        case .poolExhausted(let waited): "no pooled connection free after \(waited) s"
        case .rollbackFailed(let original, let rollback): "rollback failed (\(rollback)) after: \(original)"
        case .libraryInitializationFailed: "mysql_library_init failed"
        case .nestedTransaction: "nested transaction refused (transactions do not nest)"
        }
    }

    /// Tests and debuggers see the full detail.
    public var debugDescription: String { detail }

    /// The server error code, when there is one.
    public var code: UInt32? {
        switch self {
        case .connectionFailed(let code, _), .connectionLost(let code, _), .server(let code, _, _, _): code
        default: nil
        }
    }

    /// InnoDB chose the transaction as a deadlock victim (1213) or a lock wait timed out (1205):
    /// it was rolled back and may simply be run again.
    public var isDeadlock: Bool { `is`(.deadlock) || `is`(.lockWaitTimeout) }

    /// A unique or primary key was violated (ER_DUP_ENTRY).
    public var isDuplicateKey: Bool { `is`(.duplicateEntry) }

    /// The connection is unusable after this error.
    public var isConnectionError: Bool {
        switch self {
        case .connectionFailed, .connectionLost: true
        default: false
        }
    }
}

extension MariaDBError {
    /// 1142/1143/1044: the user lacks a privilege for the statement.
    public var isAccessDenied: Bool {
        if case .server(let code, _, _, _) = self {
            return [MariaDBErrorCode.tableAccessDenied, .columnAccessDenied, .databaseAccessDenied].map(\.rawValue).contains(code)
        }
        return false
    }

    /// 1146: the table does not exist.
    public var isMissingTable: Bool {
        if case .server(let code, _, _, _) = self { return code == MariaDBErrorCode.noSuchTable.rawValue }
        return false
    }
}
