import Foundation

/// A claimed log row: `sending`, leased to one worker since `claimedAt`.
public struct ClaimedRow: Sendable, Hashable {
    public init(
        id: Int, campaignID: Int, run: Int, scope: TenantScope, channel: Channel, customerID: Int?, address: String,
        firstName: String?, lastName: String?, attempts: Int, claimedAt: Date, claimToken: String, throttles: Int = 0
    ) {
        self.throttles = throttles
        self.claimToken = claimToken
        self.id = id
        self.campaignID = campaignID
        self.run = run
        self.scope = scope
        self.channel = channel
        self.customerID = customerID
        self.address = address
        self.firstName = firstName
        self.lastName = lastName
        self.attempts = attempts
        self.claimedAt = claimedAt
    }

    public var id: Int
    public var campaignID: Int
    public var run: Int
    public var scope: TenantScope
    public var channel: Channel
    public var customerID: Int?
    public var address: String
    public var firstName: String?
    public var lastName: String?
    /// Attempts recorded before this claim.
    public var attempts: Int
    /// Times the provider throttled this row before (a 429 is free only so many times).
    public var throttles: Int
    public var claimedAt: Date
    /// The claim's own token (`claimed_by`): outcomes are written only while it still holds,
    /// so a batch that outlived its lease cannot overwrite what recovery decided.
    public var claimToken: String

    /// A new claim token for `worker`: the replica's id and a random part (≤ 64 characters, the
    /// width of `claimed_by`).
    public static func newToken(worker: String) -> String {
        String(worker.prefix(52)) + "/" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// The recipient as personalization sees it.
    public var recipient: Recipient {
        Recipient(customerID: customerID ?? 0, address: address, firstName: firstName, lastName: lastName)
    }
}

/// What became of a claimed row; `record` writes a batch of these at once.
public enum RowResult: Sendable, Hashable {
    /// Accepted by the provider (an attempt).
    case sent(id: Int, providerID: String)
    /// A retryable failure: `pending` again at `at` (an attempt).
    case retry(id: Int, at: Date, error: RowFailure)
    /// A permanent failure (an attempt).
    case failed(id: Int, error: RowFailure)
    /// Not sent, and never will be (not an attempt).
    case skipped(id: Int, reason: SkipReason)
    /// Held by quiet hours until `until` (not an attempt).
    case held(id: Int, until: Date)
    /// Back to `pending` without using an attempt (the call never started, or a lookup found
    /// nothing).
    case released(id: Int)
    /// Back to `pending`, due at `until` (no rate slot was free within the lease; not an attempt).
    case deferred(id: Int, until: Date)
    /// The provider asked to slow down (a 429): back to `pending`, due at `until`, counted in the
    /// row's throttles but not an attempt.
    case throttled(id: Int, until: Date)

    public var id: Int {
        switch self {
        case .sent(let id, _), .retry(let id, _, _), .failed(let id, _), .skipped(let id, _), .held(let id, _), .released(let id),
            .deferred(let id, _), .throttled(let id, _):
            id
        }
    }
}

/// An address to add to the suppression list because of a provider's answer (Twilio 21610).
public struct SuppressionRequest: Sendable, Hashable {
    public var scope: TenantScope
    public var channel: Channel
    public var address: String
    public var reason: String

    public init(scope: TenantScope, channel: Channel, address: String, reason: String) {
        self.scope = scope
        self.channel = channel
        self.address = address
        self.reason = reason
    }
}

/// What the sending engine needs from storage, on one connection the caller holds: the log
/// table as a queue (claims with SKIP LOCKED, batched outcomes, leases), the checks made right
/// before sending, the shared send-rate slots, and the campaign transitions the engine drives.
/// MariaDB implements it in `CampaignStore`; an in-memory one serves unit tests.
public protocol EngineStore: Sendable {
    /// Campaigns that are `queued` or `sending` and have a due row, oldest first.
    func activeCampaigns(now: Date, limit: Int) async throws -> [Campaign]
    /// Claims up to `limit` due rows for `worker`, committed before it returns; none unless the
    /// campaign is still `queued` or `sending`.
    func claim(campaign: Campaign, limit: Int, worker: String, now: Date) async throws -> [ClaimedRow]
    /// Writes a batch of outcomes and the suppressions they call for, atomically, for rows still
    /// claimed with `claimToken`. Rows of a campaign cancelled meanwhile end `skipped`.
    func record(_ results: [RowResult], suppress: [SuppressionRequest], claimToken: String, now: Date) async throws
    /// Ends the listed campaigns whose current run has no open row; returns those that ended.
    func finalize(campaignIDs: [Int], now: Date) async throws -> [Int]
    /// Live campaigns whose current run has ended but that nobody finalized.
    func unfinalized(limit: Int) async throws -> [Int]
    /// Rows `sending` since before `claimedBefore`, oldest first.
    func expiredLeases(claimedBefore: Date, limit: Int) async throws -> [ClaimedRow]
    /// Takes an expired lease over with a new token; false when another replica already did.
    func takeOver(_ row: ClaimedRow, token: String, now: Date) async throws -> Bool
    /// Which of `addresses` (lower-cased) are on the tenant's suppression list for `channel`.
    func suppressed(scope: TenantScope, channel: Channel, addresses: [String]) async throws -> Set<String>
    /// The `client_timezone` of each customer's latest appointment.
    func clientTimeZones(scope: TenantScope, customerIDs: [Int]) async throws -> [Int: String]
    /// Messages sent, delivered or being sent (other than the rows `excluding`) to each customer
    /// on `channel` since `since`, all campaigns.
    func sentCounts(scope: TenantScope, channel: Channel, customerIDs: [Int], since: Date, excluding: [Int]) async throws -> [Int: Int]
    /// The earliest moment new work falls due after `now`.
    func nextDue(after now: Date) async throws -> Date?
    /// The tenant's own settings for the channel.
    func settings(scope: TenantScope, channel: Channel) async throws -> StoredSettings
    /// The tenant's time zone (its setting, then WordPress').
    func timeZone(scope: TenantScope) async throws -> TimeZone
    /// Any tenant's campaign by id.
    func campaign(id: Int) async throws -> Campaign?
    /// Campaigns with due rows after `cursor` (by id), wrapping around: fair past any page size.
    func activeCampaigns(after cursor: Int, now: Date, limit: Int) async throws -> [Campaign]
    /// Reserves up to `count` consecutive send slots of `sender` at `rate`/s, but only those that
    /// start by `deadline`; returns the first slot and how many were reserved.
    func reserveSlots(sender: String, count: Int, rate: Double, now: Date, deadline: Date) async throws -> (start: Date, count: Int)
    /// Activates due scheduled campaigns (a snapshot each); returns how many.
    func activateDue(now: Date) async throws -> Int
    /// Recurring campaigns among `campaignIDs` that just ended go back to `scheduled`.
    func rescheduleRecurring(campaignIDs: [Int], now: Date) async throws
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
    func withStore<T: Sendable>(_ body: (any EngineStore) async throws -> T) async throws -> T
    /// Runs `body` holding the lock `name` on that connection the whole time; nil (and `body`
    /// not run) when another holder has it.
    func withLock<T: Sendable>(_ name: String, _ body: (any EngineStore) async throws -> T) async throws -> T?
    /// A name for the tick's lock, unique per site (database and table prefix).
    var tickLockName: String { get }
}
