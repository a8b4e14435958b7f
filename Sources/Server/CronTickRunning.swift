import Engine

/// What `POST /api/v1/cron/tick` runs (DESIGN §6): one tick of the sending engine in the mode
/// the service runs it.
public protocol CronTickRunning: Sendable {
    func runTick() async throws -> TickReport
}

/// A ``CronTick`` in a fixed mode: the worker's (activate and wake) or Booknetic's cron batches.
public struct EngineTick: CronTickRunning {
    public let tick: CronTick
    public let mode: TickReport.Mode

    public init(tick: CronTick, mode: TickReport.Mode) {
        self.tick = tick
        self.mode = mode
    }

    public func runTick() async throws -> TickReport { try await tick.run(mode: mode) }
}

extension EngineAssembly: CronTickRunning {
    /// A tick in the service's mode.
    public func runTick() async throws -> TickReport { try await tick.run(mode: mode) }
}
