import Campaigns
import Foundation
import Synchronization

/// The audit trail in memory: entries per tenant, newest first, filtered as `GET /api/v1/audit`
/// asks. The other in-memory stores that write entries (settings, test sends, erasure) write here.
public final class InMemoryAuditLog: AuditLog {
    private let entries = Mutex<[AuditEntry]>([])
    /// Display names by WordPress user id (nil: unnamed).
    private let userNames: [Int: String]

    public init(userNames: [Int: String] = [:]) { self.userNames = userNames }

    /// Every stored entry, oldest first (for tests).
    public var all: [AuditEntry] { entries.withLock { $0 } }

    public func list(scope: TenantScope, query: AuditQuery, page: PageRequest) async throws -> Page<AuditEntryView> {
        let matching = entries.withLock { $0 }.filter { entry in
            guard entry.scope == scope else { return false }
            if let channel = entry.channel {
                guard query.channels.contains(channel) else { return false }
            } else if !query.includeWithoutChannel {
                return false
            }
            if let type = query.objectType, entry.objectType != type { return false }
            if let id = query.objectID, entry.objectID != id { return false }
            if let user = query.userID, entry.userID != user { return false }
            return true
        }
        let newestFirst = matching.sorted { ($0.at, $0.id) > ($1.at, $1.id) }
        return newestFirst.map { AuditEntryView(entry: $0, userName: $0.userID.flatMap { userNames[$0] }) }.page(page)
    }

    @discardableResult
    public func record(_ entry: AuditEntry) async throws -> Int { append(entry) }

    /// Stores `entry` with the next id; returns the id.
    @discardableResult
    func append(_ entry: AuditEntry) -> Int {
        entries.withLock { entries in
            var entry = entry
            entry.id = entries.count + 1
            entries.append(entry)
            return entry.id
        }
    }

    /// Counts the entries that match, under the lock, and appends `entry` when fewer than `limit` do.
    func append(_ entry: AuditEntry, ifFewerThan limit: Int, matching: (AuditEntry) -> Bool) -> Int? {
        entries.withLock { entries in
            guard entries.filter(matching).count < limit else { return nil }
            var entry = entry
            entry.id = entries.count + 1
            entries.append(entry)
            return entry.id
        }
    }

    /// Replaces the detail of the entry with `id`.
    func replaceDetail(id: Int, with detail: [String: JSONValue]) {
        entries.withLock { entries in
            if let index = entries.firstIndex(where: { $0.id == id }) { entries[index].detail = detail }
        }
    }
}
