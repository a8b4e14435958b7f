import Campaigns
import Foundation
import Synchronization

/// A small thread-safe cache whose entries expire by the injected clock, with single-flight
/// loading: concurrent misses for one key share one load instead of each querying.
public final class TimedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let expires: Date
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var loading: [Key: Task<Value, any Error>] = [:]
    }

    private let state = Mutex(State())
    private let clock: any WallClock
    private let ttl: TimeInterval

    public init(ttl: TimeInterval, clock: any WallClock) {
        self.ttl = ttl
        self.clock = clock
    }

    /// The cached value, if fresh.
    public func get(_ key: Key) -> Value? {
        let now = clock.now()
        return state.withLock { state in
            guard let entry = state.entries[key], entry.expires > now else { return nil }
            return entry.value
        }
    }

    /// The cached value, or the result of `load` (shared with concurrent callers for the key).
    public func value(for key: Key, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let now = clock.now()
        let task: Task<Value, any Error> = state.withLock { state in
            if let entry = state.entries[key], entry.expires > now {
                let value = entry.value
                return Task { value }
            }
            if let running = state.loading[key] { return running }
            let running = Task { try await load() }
            state.loading[key] = running
            return running
        }
        do {
            let value = try await task.value
            store(key, value, loadedBy: task)
            return value
        } catch {
            state.withLock { state in
                if state.loading[key] == task { state.loading[key] = nil }
            }
            throw error
        }
    }

    /// Forgets `key`: the next read loads it again, and a load already running for it is not
    /// stored (it may have read what the caller just changed).
    public func remove(_ key: Key) {
        state.withLock { state in
            state.entries[key] = nil
            state.loading[key] = nil
        }
    }

    private func store(_ key: Key, _ value: Value, loadedBy task: Task<Value, any Error>) {
        let expires = clock.now().addingTimeInterval(ttl)
        state.withLock { state in
            guard state.loading[key] == task else { return }
            state.loading[key] = nil
            if state.entries.count > 10_000 { state.entries.removeAll() }
            state.entries[key] = Entry(value: value, expires: expires)
        }
    }
}
