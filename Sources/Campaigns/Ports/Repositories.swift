import Foundation

/// Booknetic settings the sidecar honours (`wp_options` rows `bkntc_<name>`, with a tenant's
/// own `bkntc_t<id>_<name>` first).
public protocol SiteSettings: Sendable {
    /// The calling code given to national phone numbers, e.g. "44"; nil when none is configured.
    func defaultCountryCode(scope: TenantScope) async throws -> String?
}

/// Reads who a segment reaches (DESIGN §5).
public protocol AudienceRepository: Sendable {
    /// The exact recipient count and the first `sampleSize` recipients, in one query.
    func preview(_ audience: AudienceDefinition, sampleSize: Int) async throws -> AudiencePreview
    /// Every recipient, in customer-id order, with their own time zones when `zones` is true.
    func members(_ audience: AudienceDefinition, zones: Bool) async throws -> AudienceMembers
}

/// The per-tenant, per-channel suppression list.
public protocol SuppressionRepository: Sendable {
    /// Adds a normalized address; an existing entry is returned unchanged (`created` false).
    /// Changes write their audit entry in their transaction, naming `user` (nil = the system).
    func add(scope: TenantScope, channel: Channel, address: String, reason: String?, source: SuppressionSource, by user: Int?)
        async throws -> (suppression: Suppression, created: Bool)
    /// Adds many normalized addresses in batched multi-row inserts on one lease; returns how
    /// many were new and how many were already listed (or repeated in `addresses`). One audit
    /// entry with the counts (and `invalid`, the lines that were not addresses).
    func importAddresses(
        scope: TenantScope, channel: Channel, addresses: [String], reason: String?, source: SuppressionSource, invalid: Int,
        by user: Int?
    ) async throws -> (accepted: Int, duplicates: Int)
    /// Removes an entry after checking `access` on its channel; false when there is none.
    func remove(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws -> Bool
    func get(scope: TenantScope, id: Int) async throws -> Suppression?
    func list(scope: TenantScope, channel: Channel?, search: String?, page: PageRequest) async throws -> Page<Suppression>
    func isSuppressed(scope: TenantScope, channel: Channel, address: String) async throws -> Bool
}

/// Built-in and custom message templates.
public protocol TemplateRepository: Sendable {
    /// Templates of `channels` (the caller's), optionally one channel, newest built-ins first.
    func list(scope: TenantScope, channels: Set<Channel>, search: String?, page: PageRequest) async throws -> Page<MessageTemplate>
    func get(scope: TenantScope, id: Int) async throws -> MessageTemplate?
    /// Changes write their audit entry in their transaction, naming `user` (nil = the system).
    func create(scope: TenantScope, draft: TemplateDraft, by user: Int?) async throws -> MessageTemplate
    /// Checks `access` on the stored template's channel and on the draft's, under a row lock.
    func update(scope: TenantScope, id: Int, draft: TemplateDraft, access: AccessCheck, by user: Int?) async throws -> MessageTemplate
    func delete(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws
}

/// Filters for the campaign list.
public struct CampaignListQuery: Sendable, Hashable {
    public var channel: Channel?
    public var status: CampaignStatus?
    public var search: String?
    /// Only campaigns of these channels (the caller's readable channels).
    public var channels: Set<Channel>
    /// Only campaigns of this kind (`?kind=`).
    public var kind: CampaignKind?
    /// Only the campaigns of this broadcast (`?broadcast_id=`).
    public var broadcastID: Int?

    public init(
        channel: Channel? = nil, status: CampaignStatus? = nil, search: String? = nil, channels: Set<Channel> = Set(Channel.allCases),
        kind: CampaignKind? = nil, broadcastID: Int? = nil
    ) {
        self.broadcastID = broadcastID
        self.kind = kind
        self.channel = channel
        self.status = status
        self.search = search
        self.channels = channels
    }
}

/// Campaign storage and lifecycle transitions, tenant-scoped.
///
/// Every method that acts on an existing campaign takes an `AccessCheck` and runs it on the row
/// it acts on — for changes, the row as locked by the transaction that changes it — so a
/// concurrent edit of the channel can never slip past the capability check. Each method uses
/// one database lease. Every change writes its audit entry (DESIGN §13) in its own transaction,
/// naming the user who made it (`createdBy`, `by`; nil = the system).
public protocol CampaignRepository: Sendable {
    func create(scope: TenantScope, draft: CampaignDraft, createdBy: Int?) async throws -> CampaignView
    /// A manual send: a campaign of kind `manual` with these recipients, queued at once;
    /// suppressed addresses are left out and counted.
    func createManual(scope: TenantScope, draft: ManualSendDraft, recipients: [Recipient], createdBy: Int?) async throws
        -> (view: CampaignView, suppressed: Int)
    /// The campaign with its current run's counters.
    func view(scope: TenantScope, id: Int, access: AccessCheck) async throws -> CampaignView
    /// A page of campaigns with their counters.
    func list(scope: TenantScope, query: CampaignListQuery, page: PageRequest) async throws -> Page<CampaignView>
    /// Checks `access` on the stored channel and on the draft's channel.
    func update(scope: TenantScope, id: Int, draft: CampaignDraft, access: AccessCheck, by user: Int?) async throws -> CampaignView
    func delete(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws
    func duplicate(scope: TenantScope, id: Int, createdBy: Int?, access: AccessCheck) async throws -> CampaignView
    /// Snapshot (or schedule) a draft; returns the campaign after the transition.
    func send(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws -> CampaignView
    func control(scope: TenantScope, id: Int, _ control: RunControl, access: AccessCheck, by user: Int?) async throws -> CampaignView
    /// The campaign with the counters of `run` (nil = the current run).
    func progress(scope: TenantScope, id: Int, run: Int?, access: AccessCheck) async throws -> CampaignView
    /// Log rows of `run` (nil = the current run).
    func logs(scope: TenantScope, id: Int, run: Int?, status: LogStatus?, page: PageRequest, access: AccessCheck) async throws
        -> Page<CampaignLogRow>
    /// Streams log rows of the current run in id order, at most `limit` (nil = all), in
    /// batches of at most 1,000 rows. `access` is checked before the first batch. No database
    /// connection is held while `handle` runs, however long a slow reader makes it take.
    func streamLogs(
        scope: TenantScope, id: Int, limit: Int?, access: AccessCheck, _ handle: ([CampaignLogRow]) async throws -> Void
    ) async throws
    /// The campaign and its first `limit` recipients (of the current run, or of the live
    /// audience for a draft).
    func previewRecipients(scope: TenantScope, id: Int, limit: Int, access: AccessCheck) async throws
        -> (campaign: Campaign, recipients: [Recipient])
    /// Every recipient of the campaign (its current run's snapshot, or the live audience of a
    /// draft), with their own time zones when `zones` is true.
    func members(scope: TenantScope, id: Int, zones: Bool, access: AccessCheck) async throws -> AudienceMembers
}
