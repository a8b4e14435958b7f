import Campaigns
import Foundation
import Synchronization

/// The engine's storage in memory, for engine unit tests without MariaDB. It keeps the rules
/// the engine relies on: claims only from live campaigns and only due rows, outcomes only for
/// rows still `sending`, leases, finalizing, slots spaced at the rate.
public final class InMemoryEngineStore: SendQueue, SendChecks, RateSlots, SMSQuotaStore, SchedulerStore, EngineStoreProvider {
    public struct Row: Sendable, Hashable {
        public var id: Int
        public var campaignID: Int
        public var customerID: Int
        public var address: String
        public var status: LogStatus
        public var attempts = 0
        public var throttles = 0
        public var nextAttemptAt: Date?
        public var lastError: String?
        /// Held by quiet hours until `nextAttemptAt` (never told by `lastError`).
        public var held = false
        public var providerID: String?
        public var claimedBy: String?
        public var claimedAt: Date?
        public var sentAt: Date?
    }

    private struct State {
        var campaigns: [Int: Campaign] = [:]
        var rows: [Row] = []
        var suppressed: Set<String> = []
        var slots: [String: Date] = [:]
        var settings = StoredSettings()
        var locked = false
    }

    private let state = Mutex(State())

    public init() {}

    /// A queued campaign with one pending row per address.
    @discardableResult
    public func addCampaign(_ campaign: Campaign, addresses: [String]) -> Int {
        state.withLock { state in
            var campaign = campaign
            campaign.status = .queued
            campaign.currentRun = max(1, campaign.currentRun)
            state.campaigns[campaign.id] = campaign
            for (index, address) in addresses.enumerated() {
                state.rows.append(Row(id: state.rows.count + 1, campaignID: campaign.id, customerID: index + 1, address: address, status: .pending))
            }
            return campaign.id
        }
    }

    public func suppress(_ address: String) { state.withLock { _ = $0.suppressed.insert(address.lowercased()) } }
    public func setSettings(_ settings: StoredSettings) { state.withLock { $0.settings = settings } }
    public func setStatus(_ status: CampaignStatus, of id: Int) { state.withLock { $0.campaigns[id]?.status = status } }
    public var rows: [Row] { state.withLock { $0.rows } }
    public func status(of id: Int) -> CampaignStatus? { state.withLock { $0.campaigns[id]?.status } }

    // MARK: EngineStoreProvider

    public var tickLockName: String { "in-memory" }

    public func withStore<T: Sendable>(_ body: (EngineStore) async throws -> T) async throws -> T { try await body(EngineStore(self)) }

    public func withLock<T: Sendable>(_ name: String, _ body: (EngineStore) async throws -> T) async throws -> T? {
        let got = state.withLock { state -> Bool in
            if state.locked { return false }
            state.locked = true
            return true
        }
        guard got else { return nil }
        defer { state.withLock { $0.locked = false } }
        return try await body(EngineStore(self))
    }

    // MARK: EngineStore

    private static func due(_ row: Row, _ now: Date) -> Bool {
        row.status == .pending && (row.nextAttemptAt.map { $0 <= now } ?? true)
    }

    public func activeCampaigns(now: Date, limit: Int) async throws -> [Campaign] {
        state.withLock { state in
            state.campaigns.values.filter { campaign in
                (campaign.status == .queued || campaign.status == .sending)
                    && state.rows.contains { $0.campaignID == campaign.id && Self.due($0, now) }
            }.sorted { $0.id < $1.id }.prefix(limit).map { $0 }
        }
    }

    public func claim(campaign: Campaign, limit: Int, worker: String, now: Date) async throws -> [ClaimedRow] {
        state.withLock { state in
            guard let current = state.campaigns[campaign.id], current.status == .queued || current.status == .sending else { return [] }
            var claimed: [ClaimedRow] = []
            for index in state.rows.indices where claimed.count < limit {
                let row = state.rows[index]
                guard row.campaignID == campaign.id, Self.due(row, now) else { continue }
                let token = "\(worker)/\(now.timeIntervalSince1970)"
                state.rows[index].status = .sending
                state.rows[index].held = false
                state.rows[index].claimedBy = token
                state.rows[index].claimedAt = now
                claimed.append(
                    ClaimedRow(
                        id: row.id, campaignID: row.campaignID, run: current.currentRun, scope: current.scope, channel: current.channel,
                        customerID: row.customerID, address: row.address, firstName: "Customer", lastName: "\(row.customerID)",
                        attempts: row.attempts, claimedAt: now, claimToken: token, throttles: row.throttles))
            }
            if !claimed.isEmpty, current.status == .queued { state.campaigns[campaign.id]?.status = .sending }
            return claimed
        }
    }

    public func record(_ results: [RowResult], suppress: [SuppressionRequest], claimToken: String, now: Date) async throws {
        state.withLock { state in
            for result in results {
                guard let index = state.rows.firstIndex(where: { $0.id == result.id }), state.rows[index].status == .sending,
                    state.rows[index].claimedBy == claimToken
                else { continue }
                state.rows[index].claimedBy = nil
                switch result {
                case .sent(_, let providerID):
                    state.rows[index].status = .sent
                    state.rows[index].attempts += 1
                    state.rows[index].providerID = providerID
                    state.rows[index].sentAt = now
                case .retry(_, let at, let error):
                    state.rows[index].status = .pending
                    state.rows[index].attempts += 1
                    state.rows[index].nextAttemptAt = at
                    state.rows[index].lastError = error.storedText
                case .failed(_, let error):
                    state.rows[index].status = .failed
                    state.rows[index].attempts += 1
                    state.rows[index].lastError = error.storedText
                case .skipped(_, let reason):
                    state.rows[index].status = .skipped
                    state.rows[index].lastError = reason.rawValue
                case .held(_, let until):
                    state.rows[index].status = .pending
                    state.rows[index].nextAttemptAt = until
                    state.rows[index].held = true
                case .released:
                    state.rows[index].status = .pending
                case .deferred(_, let until):
                    state.rows[index].status = .pending
                    state.rows[index].nextAttemptAt = until
                case .throttled(_, let until):
                    state.rows[index].status = .pending
                    state.rows[index].nextAttemptAt = until
                    state.rows[index].throttles += 1
                }
            }
            for request in suppress { state.suppressed.insert(request.address.lowercased()) }
        }
    }

    public func finalize(campaignIDs: [Int], now: Date) async throws -> [Int] {
        state.withLock { state in
            var ended: [Int] = []
            for id in campaignIDs {
                guard let campaign = state.campaigns[id], campaign.status == .queued || campaign.status == .sending else { continue }
                let rows = state.rows.filter { $0.campaignID == id }
                guard !rows.contains(where: { $0.status == .pending || $0.status == .sending }) else { continue }
                state.campaigns[id]?.status = rows.contains { LogStatus.reached.contains($0.status) } ? .completed : .failed
                state.campaigns[id]?.finishedAt = now
                ended.append(id)
            }
            return ended
        }
    }

    public func unfinalized(limit: Int) async throws -> [Int] {
        state.withLock { state in
            state.campaigns.values.filter { campaign in
                (campaign.status == .queued || campaign.status == .sending)
                    && !state.rows.contains { $0.campaignID == campaign.id && ($0.status == .pending || $0.status == .sending) }
            }.map(\.id)
        }
    }

    public func expiredLeases(claimedBefore: Date, limit: Int) async throws -> [ClaimedRow] {
        state.withLock { state in
            state.rows.filter { $0.status == .sending && ($0.claimedAt ?? .distantFuture) < claimedBefore }.prefix(limit).compactMap { row in
                guard let campaign = state.campaigns[row.campaignID] else { return nil }
                return ClaimedRow(
                    id: row.id, campaignID: row.campaignID, run: campaign.currentRun, scope: campaign.scope, channel: campaign.channel,
                    customerID: row.customerID, address: row.address, firstName: "Customer", lastName: "\(row.customerID)",
                    attempts: row.attempts, claimedAt: row.claimedAt ?? claimedBefore, claimToken: row.claimedBy ?? "",
                    throttles: row.throttles)
            }
        }
    }

    public func takeOver(_ row: ClaimedRow, token: String, now: Date) async throws -> Bool {
        state.withLock { state in
            guard let index = state.rows.firstIndex(where: { $0.id == row.id }), state.rows[index].status == .sending,
                state.rows[index].claimedBy == row.claimToken
            else { return false }
            state.rows[index].claimedBy = token
            return true
        }
    }

    public func suppressed(scope: TenantScope, channel: Channel, addresses: [String]) async throws -> Set<String> {
        state.withLock { state in Set(addresses.map { $0.lowercased() }.filter(state.suppressed.contains)) }
    }

    public func clientTimeZones(scope: TenantScope, customerIDs: [Int]) async throws -> [Int: String] { [:] }

    public func sentCounts(scope: TenantScope, channel: Channel, customerIDs: [Int], since: Date, excluding: [Int]) async throws
        -> [Int: Int]
    {
        state.withLock { state in
            var counts: [Int: Int] = [:]
            for row in state.rows
            where !excluding.contains(row.id)
                && ((LogStatus.reached.contains(row.status) && (row.sentAt ?? .distantPast) >= since) || row.status == .sending)
            {
                counts[row.customerID, default: 0] += 1
            }
            return counts
        }
    }

    public func nextDue(after now: Date) async throws -> Date? {
        state.withLock { state in state.rows.compactMap { $0.status == .pending ? $0.nextAttemptAt : nil }.filter { $0 > now }.min() }
    }

    public func reserveSlots(sender: String, count: Int, rate: Double, now: Date, deadline: Date) async throws -> (start: Date, count: Int) {
        state.withLock { state in
            let start = max(state.slots[sender] ?? now, now)
            let fitting = start > deadline ? 0 : min(count, Int(deadline.timeIntervalSince(start) * rate) + 1)
            state.slots[sender] = start.addingTimeInterval(Double(fitting) / rate)
            return (start, fitting)
        }
    }

    public func activeCampaigns(after cursor: Int, now: Date, limit: Int) async throws -> [Campaign] {
        let all = try await activeCampaigns(now: now, limit: Int.max)
        return Array((all.filter { $0.id > cursor } + all.filter { $0.id <= cursor }).prefix(limit))
    }

    public func settings(scope: TenantScope, channel: Channel) async throws -> StoredSettings { state.withLock { $0.settings } }

    public func timeZone(scope: TenantScope) async throws -> TimeZone { TimeZone(secondsFromGMT: 0)! }

    public func campaign(id: Int) async throws -> Campaign? { state.withLock { $0.campaigns[id] } }

    public func activateDue(now: Date) async throws -> Int { 0 }

    public func rescheduleRecurring(campaignIDs: [Int], now: Date) async throws {}

    /// No plan limits in memory.
    public func smsQuota(scope: TenantScope, now: Date) async throws -> SMSQuota? { nil }
    public func pauseForQuota(campaignID: Int, now: Date) async throws {}
    public func withQuotaLock<T: Sendable>(scope: TenantScope, _ body: () async throws -> T) async throws -> T? { try await body() }
    public func resumeWithinQuota(now: Date) async throws -> Int { 0 }
}
