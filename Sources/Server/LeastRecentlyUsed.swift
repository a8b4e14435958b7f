/// A dictionary of at most `capacity` entries that, when full, forgets the entry used least
/// recently to make room, never everybody at once. Reading or writing an entry counts as a use.
struct LeastRecentlyUsed<Key: Hashable, Value> {
    private struct Entry {
        var key: Key
        var value: Value
        var newer: Int?
        var older: Int?
    }

    let capacity: Int
    private var entries: [Entry] = []
    private var positions: [Key: Int] = [:]
    private var newest: Int?
    private var oldest: Int?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.count }

    /// The value for `key`, which becomes the most recently used entry.
    mutating func value(for key: Key) -> Value? {
        guard let position = positions[key] else { return nil }
        moveToFront(position)
        return entries[position].value
    }

    /// Stores `value` for `key` as the most recently used entry, forgetting the least recently
    /// used one when the table is full.
    mutating func set(_ value: Value, for key: Key) {
        if let position = positions[key] {
            entries[position].value = value
            moveToFront(position)
            return
        }
        let position: Int
        if entries.count < capacity {
            position = entries.count
            entries.append(Entry(key: key, value: value))
        } else {
            // Reuse the oldest entry's slot.
            guard let oldest else { return }
            position = oldest
            unlink(position)
            positions[entries[position].key] = nil
            entries[position] = Entry(key: key, value: value)
        }
        positions[key] = position
        linkAtFront(position)
    }

    private mutating func moveToFront(_ position: Int) {
        guard newest != position else { return }
        unlink(position)
        linkAtFront(position)
    }

    private mutating func unlink(_ position: Int) {
        let entry = entries[position]
        if let newer = entry.newer { entries[newer].older = entry.older } else { newest = entry.older }
        if let older = entry.older { entries[older].newer = entry.newer } else { oldest = entry.newer }
        entries[position].newer = nil
        entries[position].older = nil
    }

    private mutating func linkAtFront(_ position: Int) {
        entries[position].older = newest
        entries[position].newer = nil
        if let newest { entries[newest].newer = position }
        newest = position
        if oldest == nil { oldest = position }
    }
}
