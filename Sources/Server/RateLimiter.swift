import Foundation

/// Token buckets per caller: `rate` requests per second with bursts up to `burst`. In memory
/// (per replica), which is enough to stop a runaway script or a password-guessing loop.
public final class RateLimiter: @unchecked Sendable {
    public let rate: Double
    public let burst: Double
    private var buckets: [String: (tokens: Double, updated: TimeInterval)] = [:]
    private let lock = NSLock()

    public init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = max(1, burst)
    }

    /// Takes one token for `key`; returns the seconds to wait when none is left.
    public func take(_ key: String, now: TimeInterval) -> TimeInterval? {
        lock.withLock {
            if buckets.count > 50_000 { buckets.removeAll() }
            var bucket = buckets[key] ?? (burst, now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return (1 - bucket.tokens) / rate
        }
    }
}
