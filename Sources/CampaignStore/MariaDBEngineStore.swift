import Campaigns
import Foundation
import MariaDB

/// The engine's storage on one leased MariaDB connection: every call runs on `db`, so a worker
/// round or a whole cron tick holds exactly one lease.
public struct MariaDBEngineStore: EngineStore {
    let db: MariaDBSession
    let queue: MariaDBRecipientQueue
    let campaigns: MariaDBCampaignRepository
    let siteSettings: MariaDBSiteSettings
    let channelSettings: MariaDBSettingsRepository
    let prefix: TablePrefix

    public init(
        db: MariaDBSession, prefix: TablePrefix, campaigns: MariaDBCampaignRepository, settings: MariaDBSiteSettings, clock: any WallClock
    ) {
        self.db = db
        self.prefix = prefix
        self.queue = MariaDBRecipientQueue(prefix: prefix)
        self.campaigns = campaigns
        self.siteSettings = settings
        self.channelSettings = MariaDBSettingsRepository(pool: campaigns.pool, prefix: prefix, clock: clock)
    }

    public func activeCampaigns(now: Date, limit: Int) async throws -> [Campaign] {
        try await queue.activeCampaigns(db, now: now, limit: limit)
    }

    public func claim(campaign: Campaign, limit: Int, worker: String, now: Date) async throws -> [ClaimedRow] {
        try await queue.claim(db, campaign: campaign, limit: limit, worker: worker, now: now)
    }

    public func record(_ results: [RowResult], suppress: [SuppressionRequest], claimToken: String, now: Date) async throws {
        try await queue.record(db, results, suppress: suppress, claimToken: claimToken, now: now)
    }

    public func activeCampaigns(after cursor: Int, now: Date, limit: Int) async throws -> [Campaign] {
        let page = try await queue.activeCampaigns(db, after: cursor, now: now, limit: limit)
        if page.count >= limit || cursor == 0 { return page }
        // Wrap around: the campaigns before the cursor come next.
        let head = try await queue.activeCampaigns(db, after: 0, now: now, limit: limit - page.count)
        return page + head.filter { $0.id <= cursor }
    }

    public func finalize(campaignIDs: [Int], now: Date) async throws -> [Int] {
        try await queue.finalize(db, campaignIDs: campaignIDs, now: now)
    }

    public func unfinalized(limit: Int) async throws -> [Int] { try await queue.unfinalized(db, limit: limit) }

    public func expiredLeases(claimedBefore: Date, limit: Int) async throws -> [ClaimedRow] {
        try await queue.expiredLeases(db, claimedBefore: claimedBefore, limit: limit)
    }

    public func takeOver(_ row: ClaimedRow, token: String, now: Date) async throws -> Bool {
        try await queue.takeOver(db, row, token: token, now: now)
    }

    public func suppressed(scope: TenantScope, channel: Channel, addresses: [String]) async throws -> Set<String> {
        try await queue.suppressed(db, scope: scope, channel: channel, addresses: addresses)
    }

    public func clientTimeZones(scope: TenantScope, customerIDs: [Int]) async throws -> [Int: String] {
        try await queue.clientTimeZones(db, scope: scope, customerIDs: customerIDs)
    }

    public func sentCounts(scope: TenantScope, channel: Channel, customerIDs: [Int], since: Date, excluding: [Int]) async throws
        -> [Int: Int]
    {
        try await queue.sentCounts(db, scope: scope, channel: channel, customerIDs: customerIDs, since: since, excluding: excluding)
    }

    public func nextDue(after now: Date) async throws -> Date? { try await queue.nextDue(db, after: now) }

    public func reserveSlots(sender: String, count: Int, rate: Double, now: Date, deadline: Date) async throws -> (start: Date, count: Int) {
        try await queue.reserveSlots(db, sender: sender, count: count, rate: rate, now: now, deadline: deadline)
    }

    public func settings(scope: TenantScope, channel: Channel) async throws -> StoredSettings {
        try await channelSettings.stored(db, scope: scope, channel: channel)
    }

    public func timeZone(scope: TenantScope) async throws -> TimeZone {
        try await siteSettings.timeZone(scope: scope, on: db)
    }

    public func campaign(id: Int) async throws -> Campaign? { try await campaigns.require(db, id: id) }

    public func activateDue(now: Date) async throws -> Int { try await campaigns.activateDue(db, now: now) }

    public func rescheduleRecurring(campaignIDs: [Int], now: Date) async throws {
        try await campaigns.rescheduleRecurring(db, campaignIDs: campaignIDs, now: now)
    }
}

/// Engine stores on leases of one pool (the engine's own), and the tick's `GET_LOCK`.
public struct MariaDBEngineStoreProvider: EngineStoreProvider {
    public let pool: MariaDBPool
    let prefix: TablePrefix
    let campaigns: MariaDBCampaignRepository
    let settings: MariaDBSiteSettings
    let clock: any WallClock

    public init(pool: MariaDBPool, prefix: TablePrefix, campaigns: MariaDBCampaignRepository, settings: MariaDBSiteSettings, clock: any WallClock) {
        self.pool = pool
        self.prefix = prefix
        self.campaigns = campaigns
        self.settings = settings
        self.clock = clock
    }

    public var tickLockName: String { String("bkntc_campaigns_tick:\(pool.configuration.database):\(prefix.value)".prefix(64)) }

    public func withStore<T: Sendable>(_ body: (any EngineStore) async throws -> T) async throws -> T {
        try await pool.withConnection { db in try await body(store(db)) }
    }

    public func withLock<T: Sendable>(_ name: String, _ body: (any EngineStore) async throws -> T) async throws -> T? {
        try await pool.withConnection { db in
            let acquired = try await db.queryFirst("SELECT GET_LOCK(\(name), 0) AS got")?.decode("got", as: Int?.self)
            guard acquired == 1 else { return nil }
            do {
                let result = try await body(store(db))
                _ = try await db.query("SELECT RELEASE_LOCK(\(name)) AS released")
                return result
            } catch {
                _ = try? await db.query("SELECT RELEASE_LOCK(\(name)) AS released")
                throw error
            }
        }
    }

    private func store(_ db: MariaDBSession) -> MariaDBEngineStore {
        MariaDBEngineStore(db: db, prefix: prefix, campaigns: campaigns, settings: settings, clock: clock)
    }
}
