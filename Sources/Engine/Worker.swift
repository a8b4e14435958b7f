import Campaigns
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Worker mode (the default for `serve`): drains due work fairly across campaigns and tenants
/// (round-robin, one batch per campaign per round) with bounded concurrency and the sender's
/// rate; sleeps when idle until woken (a send, a resume, a tick) or until the next held,
/// retrying or scheduled row falls due (at most 5 s, so schedules activate within 5 s).
/// It runs `lanes` loops on their own connections that share the engine's concurrency, so one
/// lane's provider calls go on while another records and claims. On graceful shutdown it stops
/// claiming, lets the calls in flight finish (each bounded by the provider timeout) and releases
/// rows whose calls have not started, so a rate-limited batch does not hold the shutdown up.
public final class Worker: Service, Sendable {
    let engine: SendingEngine
    let stores: any EngineStoreProvider
    public let wake: WakeSignal
    let logger: Logger
    private let stopping = Atomic<Bool>(false)
    /// Longest sleep between checks for due schedules and expired leases.
    static let idleCheck: Duration = .seconds(5)
    /// Loops claiming and sending side by side (each holds one connection of the engine's pool).
    let lanes: Int

    /// `stores` leases from the engine's own pool, so API traffic and long CSV streams cannot
    /// starve it; `lanes` should leave that pool a connection for the tick.
    public init(engine: SendingEngine, stores: any EngineStoreProvider, wake: WakeSignal, logger: Logger, lanes: Int = 2) {
        self.lanes = max(1, lanes)
        self.engine = engine
        self.stores = stores
        self.wake = wake
        self.logger = logger
    }

    public func run() async throws {
        logger.info("worker started", metadata: ["worker": "\(engine.configuration.workerID)"])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for lane in 0..<self.lanes { group.addTask { await self.loop(lane: lane) } }
            }
        } onGracefulShutdown: {
            self.stop()
        }
        logger.info("worker stopped")
    }

    private func loop(lane: Int) async {
        var lastHousekeeping = ContinuousClock.now - .seconds(3600)
        var rotation = lane
        while !stopping.load(ordering: .relaxed), !Task.isCancelled {
            if lane == 0 { engine.metrics.beat() }
            do {
                let idle = try await stores.withStore { store -> Duration? in
                    if lane == 0, ContinuousClock.now - lastHousekeeping >= Self.idleCheck {
                        lastHousekeeping = ContinuousClock.now
                        _ = try await engine.activateDue(store)
                        _ = try await engine.recover(store)
                    }
                    let campaigns = try await engine.activeCampaigns(store, limit: 100)
                    if campaigns.isEmpty {
                        let due = try await engine.nextDue(store).map { $0.timeIntervalSince(engine.clock.now()) } ?? 5
                        return .milliseconds(Int(max(0.05, min(due, 5)) * 1000))
                    }
                    // Round-robin: each round starts one campaign further, one batch each.
                    rotation = (rotation + 1) % campaigns.count
                    for campaign in campaigns[rotation...] + campaigns[..<rotation] where !stopping.load(ordering: .relaxed) {
                        _ = try await engine.processBatch(store, campaign: campaign, limit: engine.configuration.workerBatchSize)
                    }
                    return nil
                }
                if let idle { await wake.wait(timeout: idle) }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.error("worker round failed; retrying", metadata: ["error": "\(Self.describe(error))"])
                await wake.wait(timeout: .seconds(1))
            }
        }
    }

    /// Stops claiming; the batches in flight finish and `run` returns (what SIGTERM does).
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        engine.stopping.set()
        wake.signal()
    }

    static func describe(_ error: any Error) -> String {
        String(reflecting: error)  // the debug description: a database error's detail, never bound values
    }
}
