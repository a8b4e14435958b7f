/// How to reach the database. Either `socket` or `host`/`port` is used.
public struct MariaDBConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var socket: String?
    public var user: String
    public var password: String
    public var database: String
    /// Seconds to wait for the TCP/socket connection and login.
    public var connectTimeout: Int
    /// Seconds a single read or write on the socket may take.
    public var readWriteTimeout: Int
    /// Most connections the pool keeps open.
    public var maxConnections: Int
    /// An idle connection older than this is pinged before it is handed out.
    public var validateAfterIdleSeconds: Double
    /// Seconds a caller waits for a free connection before `MariaDBError.poolExhausted`.
    public var acquireTimeout: Double = 10
    /// Callers that may wait for a connection at once; one more fails at once with
    /// `MariaDBError.poolExhausted`, so an overload is shed instead of queued without bound.
    public var maxWaiters: Int = .max
    /// Session statements run on every new connection (after `SET time_zone = '+00:00'`).
    public var sessionStatements: [RawSQL] = []

    public init(
        host: String = "127.0.0.1", port: Int = 3306, socket: String? = nil, user: String = "root",
        password: String = "", database: String, connectTimeout: Int = 5, readWriteTimeout: Int = 300,
        maxConnections: Int = 8, validateAfterIdleSeconds: Double = 1
    ) {
        self.host = host
        self.port = port
        self.socket = socket
        self.user = user
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.readWriteTimeout = readWriteTimeout
        self.maxConnections = max(1, maxConnections)
        self.validateAfterIdleSeconds = validateAfterIdleSeconds
    }
}

/// An SQL text that is executed without preparation (DDL, migrations, session settings).
/// It must never contain user input; the type makes such calls visible in review.
public struct RawSQL: Sendable, Hashable, ExpressibleByStringLiteral {
    public let text: String
    public init(stringLiteral value: String) { self.text = value }
    /// Wraps SQL text that comes from a trusted source (a migration file shipped with the app).
    public init(trusted text: String) { self.text = text }
}

/// The outcome of a statement that returns no rows.
public struct MariaDBExecResult: Sendable, Hashable {
    public let affectedRows: Int
    public let lastInsertID: Int
}
