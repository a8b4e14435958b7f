import Foundation

/// A small thread-safe cache whose entries expire.
public final class TimedCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private var entries: [Key: (value: Value, expires: Date)] = [:]
    private let lock = NSLock()

    public init() {}

    public func get(_ key: Key) -> Value? {
        lock.withLock {
            guard let entry = entries[key], entry.expires > Date() else { return nil }
            return entry.value
        }
    }

    public func set(_ key: Key, _ value: Value, ttl: TimeInterval) {
        lock.withLock {
            if entries.count > 10_000 { entries.removeAll() }
            entries[key] = (value, Date().addingTimeInterval(ttl))
        }
    }
}
