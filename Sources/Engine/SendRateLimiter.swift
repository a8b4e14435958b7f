import Foundation
import Synchronization

/// Spaces sends evenly at `rate` per second for each sender (a tenant's channel), shared by
/// all the worker's concurrent sends: each call reserves the next free slot and sleeps until
/// it. Over any interval the count stays within one message of `rate` × seconds.
public final class SendRateLimiter: Sendable {
    private let slots = Mutex<[String: ContinuousClock.Instant]>([:])

    public init() {}

    /// Waits for the sender's next slot; returns at once when `rate` is nil.
    public func acquire(_ key: String, rate: Double?) async throws {
        guard let rate, rate > 0 else { return }
        let interval = Duration.nanoseconds(Int64(1e9 / rate))
        let now = ContinuousClock.now
        let slot = slots.withLock { slots -> ContinuousClock.Instant in
            if slots.count > 10_000 { slots.removeAll() }
            let next = max(now, slots[key] ?? now)
            slots[key] = next + interval
            return next
        }
        if slot > now { try await Task.sleep(until: slot, clock: .continuous) }
    }
}
