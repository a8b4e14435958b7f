import CampaignStore
import Campaigns
import Foundation

/// What a probe reads from the database, reused for `interval` seconds by the injected clock
/// (DESIGN §13): `/metrics` and `/ready` make at most one database round trip per 5 s however
/// often they are called. Concurrent callers share one read, and a failed read is remembered
/// like any other, so an unreachable database is not asked more often either.
struct DatabaseProbe<Reading: Sendable>: Sendable {
    static var interval: TimeInterval { 5 }
    private let cache: TimedCache<Int, Result<Reading, any Error>>
    private let read: @Sendable () async throws -> Reading

    init(clock: any WallClock, read: @escaping @Sendable () async throws -> Reading) {
        self.cache = TimedCache(ttl: Self.interval, clock: clock)
        self.read = read
    }

    /// The latest reading (or its failure), read again once it is `interval` old.
    func reading() async throws -> Reading {
        let read = self.read
        return try await cache.value(for: 0) {
            do {
                return .success(try await read())
            } catch {
                return .failure(error)
            }
        }.get()
    }
}
