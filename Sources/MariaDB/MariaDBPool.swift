import Foundation
import Logging
import NIOPosix
import ServiceLifecycle

/// A bounded pool of MariaDB connections, run as a ServiceLifecycle `Service`.
///
/// Blocking client calls run on the pool's own `NIOThreadPool` (one thread per connection).
/// Broken connections are dropped and replaced; idle ones are validated with a ping before reuse.
/// The pool is usable before `run()` starts (for CLI commands); `run()` adds idle maintenance and
/// closes everything on graceful shutdown.
public final class MariaDBPool: Service, Sendable {
    public let configuration: MariaDBConfiguration
    let threadPool: NIOThreadPool
    private let state: PoolState
    private let logger: Logger

    public init(configuration: MariaDBConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.maxConnections + 1)
        self.threadPool.start()
        self.state = PoolState(maxConnections: configuration.maxConnections)
    }

    /// Lends a connection to `body` and takes it back afterwards (also when `body` throws).
    @discardableResult
    public func withConnection<T: Sendable>(_ body: (MariaDBSession) async throws -> T) async throws -> T {
        let connection = try await acquire()
        let session = MariaDBSession(connection: connection, threadPool: threadPool)
        do {
            let result = try await body(session)
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    @discardableResult
    public func withTransaction<T: Sendable>(_ body: (MariaDBSession) async throws -> T) async throws -> T {
        try await withConnection { session in
            try await session.run { try $0.setAutocommit(false) }
            do {
                let result = try await body(session)
                try await session.run { connection in
                    try connection.commit()
                    try connection.setAutocommit(true)
                }
                return result
            } catch {
                try? await session.run { connection in
                    try connection.rollback()
                    try connection.setAutocommit(true)
                }
                throw error
            }
        }
    }

    /// Counts for monitoring and tests.
    public func statistics() async -> MariaDBPoolStatistics { await state.statistics() }

    /// Idle maintenance until graceful shutdown, then closes the pool.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(30))
                await self.closeIdle(olderThan: 300)
            }
        }
        await close()
    }

    /// Closes every idle connection and refuses new work; in-use connections close on release.
    public func close() async {
        let idle = await state.close()
        await closeConnections(idle)
        try? await threadPool.shutdownGracefully()
    }

    private func acquire() async throws -> MariaDBConnection {
        while true {
            switch try await state.acquire() {
            case .reuse(let connection):
                if Date().timeIntervalSince(connection.lastUsed) < configuration.validateAfterIdleSeconds {
                    return connection
                }
                let alive = (try? await threadPool.runIfActive { connection.ping() }) ?? false
                if alive { return connection }
                logger.debug("dropping dead pooled connection", metadata: ["thread": "\(connection.serverThreadID)"])
                await discard(connection)
            case .open:
                do {
                    let configuration = self.configuration
                    return try await threadPool.runIfActive { try MariaDBConnection(configuration: configuration) }
                } catch {
                    await state.openFailed()
                    if let error = error as? MariaDBError {
                        logger.warning("database connection failed", metadata: ["error": "\(error.detail)"])
                    }
                    throw error
                }
            }
        }
    }

    private func release(_ connection: MariaDBConnection) async {
        if connection.isBroken {
            await discard(connection)
            return
        }
        connection.lastUsed = Date()
        if await state.release(connection) == false {
            await closeConnections([connection])
        }
    }

    private func discard(_ connection: MariaDBConnection) async {
        await state.discard()
        await closeConnections([connection])
    }

    private func closeIdle(olderThan seconds: Double) async {
        let stale = await state.takeIdle(olderThan: seconds)
        await closeConnections(stale)
    }

    /// Runs `mysql_close` off the caller's executor (it may block on the socket).
    private func closeConnections(_ connections: [MariaDBConnection]) async {
        guard !connections.isEmpty else { return }
        let box = ConnectionList(connections)
        try? await threadPool.runIfActive { box.drop() }
    }
}

/// Pool counters.
public struct MariaDBPoolStatistics: Sendable, Hashable {
    public let open: Int
    public let idle: Int
    public let waiting: Int
    public let maxConnections: Int
    public var inUse: Int { open - idle }
}

/// Moves connections to the thread pool so their deinit (mysql_close) runs there.
private final class ConnectionList: @unchecked Sendable {
    private var connections: [MariaDBConnection]
    init(_ connections: [MariaDBConnection]) { self.connections = connections }
    func drop() { connections.removeAll() }
}

/// The pool's bookkeeping: which connections are idle, how many are open, who waits.
private actor PoolState {
    enum Lease: @unchecked Sendable {
        case reuse(MariaDBConnection)
        case open
    }

    private let maxConnections: Int
    private var idle: [MariaDBConnection] = []
    private var open = 0
    private var waiters: [CheckedContinuation<Lease, any Error>] = []
    private var closed = false

    init(maxConnections: Int) { self.maxConnections = maxConnections }

    func acquire() async throws -> Lease {
        if closed { throw MariaDBError.poolClosed }
        if let connection = idle.popLast() { return .reuse(connection) }
        if open < maxConnections {
            open += 1
            return .open
        }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    /// Returns false when the pool is closed and the connection should be closed instead.
    func release(_ connection: MariaDBConnection) -> Bool {
        if closed {
            open -= 1
            return false
        }
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: .reuse(connection))
        } else {
            idle.append(connection)
        }
        return true
    }

    /// A lent connection was dropped: its slot goes to a waiter or becomes free.
    func discard() {
        open -= 1
        handOverFreeSlot()
    }

    func openFailed() {
        open -= 1
        handOverFreeSlot()
    }

    private func handOverFreeSlot() {
        if !closed, !waiters.isEmpty, open < maxConnections {
            open += 1
            waiters.removeFirst().resume(returning: .open)
        }
    }

    func takeIdle(olderThan seconds: Double) -> [MariaDBConnection] {
        let now = Date()
        let stale = idle.filter { now.timeIntervalSince($0.lastUsed) > seconds }
        idle.removeAll { now.timeIntervalSince($0.lastUsed) > seconds }
        open -= stale.count
        return stale
    }

    func close() -> [MariaDBConnection] {
        closed = true
        for waiter in waiters { waiter.resume(throwing: MariaDBError.poolClosed) }
        waiters.removeAll()
        let connections = idle
        idle.removeAll()
        open -= connections.count
        return connections
    }

    func statistics() -> MariaDBPoolStatistics {
        MariaDBPoolStatistics(open: open, idle: idle.count, waiting: waiters.count, maxConnections: maxConnections)
    }
}
