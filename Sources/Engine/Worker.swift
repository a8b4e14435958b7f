import Campaigns
import Foundation
import Logging
import ServiceLifecycle

/// Worker mode (the default for `serve`): drains due work fairly across campaigns and tenants
/// (round-robin from a moving cursor, one batch per campaign per round) with bounded concurrency
/// and the sender's rate; sleeps when idle until woken (a send, a resume, a tick) or until the
/// next held or retrying row falls due. A separate housekeeping loop activates due schedules
/// and resolves expired leases every 5 s.
/// It runs `lanes` loops on their own connections that share the engine's concurrency, so one
/// lane's provider calls go on while another records and claims. On graceful shutdown it stops
/// claiming, lets the calls in flight finish (each bounded by the provider timeout) and releases
/// rows whose calls have not started, so a rate-limited batch does not hold the shutdown up.
public final class Worker: Service, Sendable {
    let engine: SendingEngine
    let stores: any EngineStoreProvider
    public let wake: WakeSignal
    let logger: Logger
    /// Longest sleep between checks for due schedules and expired leases.
    static let idleCheck: Duration = .seconds(5)
    /// Loops claiming and sending side by side (each holds one connection of the engine's pool
    /// for a round; housekeeping and the tick take one briefly).
    let lanes: Int
    /// Provider calls a lane's batch left running, recorded when they end.
    let stragglers: Stragglers

    /// `stores` leases from the engine's own pool, so API traffic and long CSV streams cannot
    /// starve it; `lanes` should leave that pool a connection for the tick.
    public init(engine: SendingEngine, stores: any EngineStoreProvider, wake: WakeSignal, logger: Logger, lanes: Int = 2) {
        self.lanes = max(1, lanes)
        self.engine = engine
        self.stores = stores
        self.wake = wake
        self.logger = logger
        // A lull of a quarter of the provider timeout (at most 0.5 s) means the calls left are slow.
        let patience = min(0.5, engine.configuration.providerTimeout / 4)
        self.stragglers = Stragglers(stores: stores, patience: .milliseconds(Int(patience * 1000)))
    }

    public func run() async throws {
        logger.info("worker started", metadata: ["worker": "\(engine.configuration.workerID)"])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.housekeeping() }
                for lane in 0..<self.lanes { group.addTask { await self.loop(lane: lane) } }
            }
        } onGracefulShutdown: {
            self.stop()
        }
        await stragglers.drain()
        logger.info("worker stopped")
    }

    /// Every 5 s, apart from the lanes (so a long rate-limited round cannot delay it): activate
    /// due schedules, resolve expired leases, report the heartbeat. Each step fails on its own.
    private func housekeeping() async {
        while !engine.stopping.isSet, !Task.isCancelled {
            engine.metrics.beat()
            do {
                if try await stores.withStore({ try await engine.activateDue($0) }) > 0 { wake.signal() }
            } catch {
                if Task.isCancelled { return }
                logger.error("activating scheduled campaigns failed", metadata: ["error": "\(Self.describe(error))"])
            }
            do {
                if try await stores.withStore({ try await engine.recover($0) }) > 0 { wake.signal() }
            } catch {
                if Task.isCancelled { return }
                logger.error("recovering expired leases failed", metadata: ["error": "\(Self.describe(error))"])
            }
            // In short steps, so a shutdown does not wait for the next round.
            let next = ContinuousClock.now + Self.idleCheck
            while !engine.stopping.isSet, !Task.isCancelled, ContinuousClock.now < next {
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private func loop(lane: Int) async {
        // Round-robin from a cursor that moves past each campaign served, wrapping around, so
        // every live campaign gets its turn however many there are.
        var cursor = 0
        while !engine.stopping.isSet, !Task.isCancelled {
            do {
                let idle = try await stores.withStore { store -> Duration? in
                    let campaigns = try await store.queue.activeCampaigns(after: cursor, now: engine.clock.now(), limit: 50)
                    if campaigns.isEmpty {
                        let due = try await engine.nextDue(store).map { $0.timeIntervalSince(engine.clock.now()) } ?? 5
                        return .milliseconds(Int(max(0.05, min(due, 5)) * 1000))
                    }
                    // The lanes start at different campaigns.
                    let start = lane % campaigns.count
                    for campaign in campaigns[start...] + campaigns[..<start] where !engine.stopping.isSet {
                        _ = try await engine.processBatch(
                            store, campaign: campaign, limit: engine.configuration.workerBatchSize, stragglers: stragglers)
                        cursor = campaign.id
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
        engine.stopping.set()
        wake.signal()
    }

    static func describe(_ error: any Error) -> String {
        String(reflecting: error)  // the debug description: a database error's detail, never bound values
    }
}
