import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A bounded pool of MariaDB connections, run as a ServiceLifecycle `Service`.
///
/// Blocking client calls run on the pool's own `NIOThreadPool` (one thread per connection).
/// Broken connections are dropped and replaced; idle ones are validated with a ping before reuse.
/// Waiting for a connection is bounded (`acquireTimeout`, then `MariaDBError.poolExhausted`) and
/// honours task cancellation. The pool is usable before `run()` starts (for CLI commands);
/// `run()` adds idle maintenance and closes everything on graceful shutdown.
///
/// A body must never take a second lease while it holds one: pass its session or transaction
/// to whatever else needs the database.
public final class MariaDBPool: Service, Sendable {
    public let configuration: MariaDBConfiguration
    let threadPool: NIOThreadPool
    private let state: PoolState
    private let logger: Logger
    let counters = PoolCounters()

    public init(configuration: MariaDBConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.maxConnections + 1)
        self.threadPool.start()
        self.state = PoolState(maxConnections: configuration.maxConnections, maxWaiters: configuration.maxWaiters)
    }

    /// Lends a connection to `body` and takes it back afterwards (also when `body` throws).
    @discardableResult
    public func withConnection<T: Sendable>(_ body: (MariaDBSession) async throws -> T) async throws -> T {
        let connection = try await acquire()
        counters.lease()
        let session = MariaDBSession(connection: connection, threadPool: threadPool, counters: counters)
        do {
            let result = try await body(session)
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction on one lent connection (see `MariaDBSession.withTransaction`).
    @discardableResult
    public func withTransaction<T: Sendable>(_ body: (MariaDBTransaction) async throws -> T) async throws -> T {
        try await withConnection { session in try await session.withTransaction(deadlockRetries: 3, body) }
    }

    /// Counts for monitoring and tests.
    public func statistics() async -> MariaDBPoolStatistics {
        var statistics = await state.statistics()
        statistics.leases = counters.leases
        statistics.statements = counters.statements
        return statistics
    }

    /// Idle maintenance until graceful shutdown, then closes the pool.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(30))
                await self.closeIdle(olderThan: .seconds(300))
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
        let deadline = ContinuousClock.now + .milliseconds(Int(configuration.acquireTimeout * 1000))
        while true {
            switch try await state.acquire(deadline: deadline) {
            case .reuse(let connection):
                if ContinuousClock.now - connection.lastUsed < .milliseconds(Int(configuration.validateAfterIdleSeconds * 1000)) {
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
        connection.lastUsed = ContinuousClock.now
        if await state.release(connection) == false {
            await closeConnections([connection])
        }
    }

    private func discard(_ connection: MariaDBConnection) async {
        await state.discard()
        await closeConnections([connection])
    }

    private func closeIdle(olderThan age: Duration) async {
        let stale = await state.takeIdle(olderThan: age)
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
    /// Leases handed out since the pool started.
    public var leases = 0
    /// Statements run since the pool started.
    public var statements = 0
    public var inUse: Int { open - idle }
}

/// Lease and statement totals, for metrics and for tests that count round trips.
final class PoolCounters: Sendable {
    private let leaseCount = Atomic<Int>(0)
    private let statementCount = Atomic<Int>(0)

    func lease() { leaseCount.add(1, ordering: .relaxed) }
    func statement() { statementCount.add(1, ordering: .relaxed) }
    var leases: Int { leaseCount.load(ordering: .relaxed) }
    var statements: Int { statementCount.load(ordering: .relaxed) }
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

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Lease, any Error>
    }

    private let maxConnections: Int
    private var idle: [MariaDBConnection] = []
    private var open = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    private var closed = false

    private let maxWaiters: Int

    init(maxConnections: Int, maxWaiters: Int) {
        self.maxConnections = maxConnections
        self.maxWaiters = max(0, maxWaiters)
    }

    /// A lease now, or after waiting until `deadline` at most; cancellation ends the wait.
    func acquire(deadline: ContinuousClock.Instant) async throws -> Lease {
        if closed { throw MariaDBError.poolClosed }
        try Task.checkCancellation()
        if let connection = idle.popLast() { return .reuse(connection) }
        if open < maxConnections {
            open += 1
            return .open
        }
        // A full queue sheds the caller now: waiting longer than the ones ahead would not help.
        if waiters.count >= maxWaiters { throw MariaDBError.poolExhausted(waitedSeconds: 0) }
        nextWaiterID += 1
        let id = nextWaiterID
        let started = ContinuousClock.now
        let timer = Task { [weak self] in
            try? await Task.sleep(until: deadline)
            await self?.expire(id, error: MariaDBError.poolExhausted(waitedSeconds: Self.seconds(ContinuousClock.now - started)))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append(Waiter(id: id, continuation: continuation))
            }
        } onCancel: {
            Task { await self.expire(id, error: CancellationError()) }
        }
    }

    /// Ends one wait with `error` if it is still waiting.
    private func expire(_ id: Int, error: any Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: error)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Returns false when the pool is closed and the connection should be closed instead.
    func release(_ connection: MariaDBConnection) -> Bool {
        if closed {
            open -= 1
            return false
        }
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: .reuse(connection))
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
            waiters.removeFirst().continuation.resume(returning: .open)
        }
    }

    func takeIdle(olderThan age: Duration) -> [MariaDBConnection] {
        let now = ContinuousClock.now
        let stale = idle.filter { now - $0.lastUsed > age }
        idle.removeAll { now - $0.lastUsed > age }
        open -= stale.count
        return stale
    }

    func close() -> [MariaDBConnection] {
        closed = true
        for waiter in waiters { waiter.continuation.resume(throwing: MariaDBError.poolClosed) }
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
