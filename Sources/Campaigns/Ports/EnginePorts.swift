import Foundation

// The sending engine's ports (DESIGN §6, §9), one per role, each implemented directly by a
// store on one leased connection: MariaDB's in `CampaignStore`, an in-memory one for tests.

/// The log table as a queue: due campaigns, claims with SKIP LOCKED, batched outcomes, leases.
public protocol SendQueue: Sendable {
    /// Campaigns that are `queued` or `sending` and have a due row, oldest first.
    func activeCampaigns(now: Date, limit: Int) async throws -> [Campaign]
    /// Campaigns with due rows after `cursor` (by id), wrapping around: fair past any page size.
    func activeCampaigns(after cursor: Int, now: Date, limit: Int) async throws -> [Campaign]
    /// Claims up to `limit` due rows for `worker`, committed before it returns; none unless the
    /// campaign is still `queued` or `sending`.
    func claim(campaign: Campaign, limit: Int, worker: String, now: Date) async throws -> [ClaimedRow]
    /// Writes a batch of outcomes and the suppressions they call for, atomically, for rows still
    /// claimed with `claimToken`. Rows of a campaign cancelled meanwhile end `skipped`.
    func record(_ results: [RowResult], suppress: [SuppressionRequest], claimToken: String, now: Date) async throws
    /// The earliest moment new work falls due after `now`.
    func nextDue(after now: Date) async throws -> Date?
    /// Rows `sending` since before `claimedBefore`, oldest first.
    func expiredLeases(claimedBefore: Date, limit: Int) async throws -> [ClaimedRow]
    /// Takes an expired lease over with a new token; false when another replica already did.
    func takeOver(_ row: ClaimedRow, token: String, now: Date) async throws -> Bool
}

/// What a batch is checked against right before sending, and the settings it is sent under.
public protocol SendChecks: Sendable {
    /// Which of `addresses` (lower-cased) are on the tenant's suppression list for `channel`.
    func suppressed(scope: TenantScope, channel: Channel, addresses: [String]) async throws -> Set<String>
    /// The `client_timezone` of each customer's latest appointment.
    func clientTimeZones(scope: TenantScope, customerIDs: [Int]) async throws -> [Int: String]
    /// Messages sent, delivered or being sent (other than the rows `excluding`) to each customer
    /// on `channel` since `since`, all campaigns.
    func sentCounts(scope: TenantScope, channel: Channel, customerIDs: [Int], since: Date, excluding: [Int]) async throws -> [Int: Int]
    /// The tenant's own settings for the channel.
    func settings(scope: TenantScope, channel: Channel) async throws -> StoredSettings
    /// The tenant's time zone (its setting, then WordPress').
    func timeZone(scope: TenantScope) async throws -> TimeZone
}

/// Send-rate slots shared by every replica on the database.
public protocol RateSlots: Sendable {
    /// Reserves up to `count` consecutive send slots of `sender` at `rate`/s, but only those that
    /// start by `deadline`; returns the first slot and how many were reserved.
    func reserveSlots(sender: String, count: Int, rate: Double, now: Date, deadline: Date) async throws -> (start: Date, count: Int)
}

/// A SaaS tenant's monthly SMS quota, spent by claims under a lock shared by lanes and replicas.
public protocol SMSQuotaStore: Sendable {
    /// A SaaS tenant's SMS allowance this calendar month (nil: no limit applies).
    func smsQuota(scope: TenantScope, now: Date) async throws -> SMSQuota?
    /// Runs `body` holding the tenant's SMS-quota lock (shared by lanes and replicas), so the
    /// allowance read inside is the one the claim inside spends; nil when the lock stays busy.
    func withQuotaLock<T: Sendable>(scope: TenantScope, _ body: () async throws -> T) async throws -> T?
    /// Pauses a live campaign with `quota_exhausted` (its rows stay pending).
    func pauseForQuota(campaignID: Int, now: Date) async throws
    /// Campaigns paused for the quota whose tenant has allowance again (a new month, a raised
    /// limit) go back to `queued`; returns how many.
    func resumeWithinQuota(now: Date) async throws -> Int
}

/// The campaign transitions the engine drives: schedules that fall due, runs that end.
public protocol SchedulerStore: Sendable {
    /// Any tenant's campaign by id.
    func campaign(id: Int) async throws -> Campaign?
    /// Activates due scheduled campaigns (a snapshot each); returns how many.
    func activateDue(now: Date) async throws -> Int
    /// Ends the listed campaigns whose current run has no open row; returns those that ended.
    func finalize(campaignIDs: [Int], now: Date) async throws -> [Int]
    /// Live campaigns whose current run has ended but that nobody finalized.
    func unfinalized(limit: Int) async throws -> [Int]
    /// Recurring campaigns among `campaignIDs` that just ended go back to `scheduled`.
    func rescheduleRecurring(campaignIDs: [Int], now: Date) async throws
}

/// The engine's storage on one leased connection, by role.
public struct EngineStore: Sendable {
    public var queue: any SendQueue
    public var checks: any SendChecks
    public var slots: any RateSlots
    public var quota: any SMSQuotaStore
    public var scheduler: any SchedulerStore
    /// Tracked links (DESIGN §18); nil: links are never rewritten.
    public var links: (any LinkStore)?

    public init(
        queue: any SendQueue, checks: any SendChecks, slots: any RateSlots, quota: any SMSQuotaStore, scheduler: any SchedulerStore,
        links: (any LinkStore)? = nil
    ) {
        self.links = links
        self.queue = queue
        self.checks = checks
        self.slots = slots
        self.quota = quota
        self.scheduler = scheduler
    }

    /// One store that plays every role (the in-memory store of the tests).
    public init(_ store: some SendQueue & SendChecks & RateSlots & SMSQuotaStore & SchedulerStore) {
        self.init(queue: store, checks: store, slots: store, quota: store, scheduler: store)
    }
}

/// A SaaS tenant's monthly SMS allowance (plan limit `twilio_sms_allowed_max_number`, DESIGN §6):
/// campaign messages plus Booknetic's own Twilio SMS workflow messages this calendar month.
public struct SMSQuota: Sendable, Hashable {
    public var limit: Int
    public var used: Int

    public init(limit: Int, used: Int) {
        self.limit = limit
        self.used = used
    }

    public var remaining: Int { max(0, limit - used) }
}

/// Hands the engine a store on one connection: for a worker round, or for a whole cron tick
/// under the database's runtime lock.
public protocol EngineStoreProvider: Sendable {
    /// Runs `body` with a store on one leased connection.
    func withStore<T: Sendable>(_ body: (EngineStore) async throws -> T) async throws -> T
    /// Runs `body` holding the lock `name` on that connection the whole time; nil (and `body`
    /// not run) when another holder has it.
    func withLock<T: Sendable>(_ name: String, _ body: (EngineStore) async throws -> T) async throws -> T?
    /// A name for the tick's lock, unique per site (database and table prefix).
    var tickLockName: String { get }
}
