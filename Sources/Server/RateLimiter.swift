import Campaigns
import Foundation
import Synchronization

/// Token buckets per caller: `rate` requests per second with bursts up to `burst`. In memory
/// (per replica), which is enough to stop a runaway script or a password-guessing loop. At most
/// `capacity` callers are remembered; beyond that the least recently seen one is forgotten
/// (DESIGN §13), so an abuser who keeps trying stays limited however many others pass by.
public final class RateLimiter: Sendable {
    public let rate: Double
    public let burst: Double
    private let buckets: Mutex<LeastRecentlyUsed<String, Bucket>>

    private struct Bucket {
        var tokens: Double
        var updated: TimeInterval
    }

    public init(rate: Double, burst: Double, capacity: Int = 50_000) {
        self.rate = rate
        self.burst = max(1, burst)
        self.buckets = Mutex(LeastRecentlyUsed(capacity: capacity))
    }

    /// Takes one token for `key`; returns the seconds to wait when none is left.
    public func take(_ key: String, now: TimeInterval) -> TimeInterval? {
        buckets.withLock { buckets in
            var bucket = buckets.value(for: key) ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + max(0, now - bucket.updated) * rate)
            bucket.updated = now
            defer { buckets.set(bucket, for: key) }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return (1 - bucket.tokens) / rate
        }
    }

    /// Takes one token for `key` at the clock's time; the whole seconds a `Retry-After` header
    /// asks for when none is left.
    func retryAfter(taking key: String, clock: any WallClock) -> Int? {
        take(key, now: clock.now().timeIntervalSince1970).map { Int($0.rounded(.up)) }
    }
}
