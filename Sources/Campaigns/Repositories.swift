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
}

/// The per-tenant, per-channel suppression list.
public protocol SuppressionRepository: Sendable {
    /// Adds a normalized address; an existing entry is returned unchanged (`created` false).
    func add(scope: TenantScope, channel: Channel, address: String, reason: String?, source: String) async throws
        -> (suppression: Suppression, created: Bool)
    func remove(scope: TenantScope, id: Int) async throws -> Bool
    func get(scope: TenantScope, id: Int) async throws -> Suppression?
    func list(scope: TenantScope, channel: Channel?, search: String?, page: PageRequest) async throws -> Page<Suppression>
    func isSuppressed(scope: TenantScope, channel: Channel, address: String) async throws -> Bool
}

/// Built-in and custom message templates.
public protocol TemplateRepository: Sendable {
    /// Templates of `channels` (the caller's), optionally one channel, newest built-ins first.
    func list(scope: TenantScope, channels: Set<Channel>, search: String?, page: PageRequest) async throws -> Page<MessageTemplate>
    func get(scope: TenantScope, id: Int) async throws -> MessageTemplate?
    func create(scope: TenantScope, draft: TemplateDraft) async throws -> MessageTemplate
    func update(scope: TenantScope, id: Int, draft: TemplateDraft) async throws -> MessageTemplate
    func delete(scope: TenantScope, id: Int) async throws
}

/// Campaign progress computed from the log rows of the current run.
public struct CampaignProgress: Sendable, Hashable {
    public var status: CampaignStatus
    public var total = 0
    public var sent = 0
    public var delivered = 0
    public var failed = 0
    public var skipped = 0
    public var pending = 0
    public var sending = 0

    public init(status: CampaignStatus) { self.status = status }
}

/// One recipient row of a campaign run (DESIGN §4).
public struct CampaignLogRow: Sendable, Hashable {
    public var id: Int
    public var run: Int
    public var customerID: Int?
    public var address: String
    public var firstName: String?
    public var lastName: String?
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var providerMessageID: String?
    public var sentAt: Date?
    public var updatedAt: Date

    public init(
        id: Int, run: Int, customerID: Int?, address: String, firstName: String?, lastName: String?, status: String,
        attempts: Int, nextAttemptAt: Date?, lastError: String?, providerMessageID: String?, sentAt: Date?, updatedAt: Date
    ) {
        self.id = id
        self.run = run
        self.customerID = customerID
        self.address = address
        self.firstName = firstName
        self.lastName = lastName
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.providerMessageID = providerMessageID
        self.sentAt = sentAt
        self.updatedAt = updatedAt
    }
}

/// Filters for the campaign list.
public struct CampaignListQuery: Sendable, Hashable {
    public var channel: Channel?
    public var status: CampaignStatus?
    public var search: String?
    /// Only campaigns of these channels (the caller's readable channels).
    public var channels: Set<Channel>

    public init(channel: Channel? = nil, status: CampaignStatus? = nil, search: String? = nil, channels: Set<Channel> = Set(Channel.allCases)) {
        self.channel = channel
        self.status = status
        self.search = search
        self.channels = channels
    }
}

/// Campaign storage and lifecycle transitions, tenant-scoped.
public protocol CampaignRepository: Sendable {
    func create(scope: TenantScope, draft: CampaignDraft, createdBy: Int?) async throws -> Campaign
    func get(scope: TenantScope, id: Int) async throws -> Campaign?
    func list(scope: TenantScope, query: CampaignListQuery, page: PageRequest) async throws -> Page<Campaign>
    func update(scope: TenantScope, id: Int, draft: CampaignDraft) async throws -> Campaign
    func delete(scope: TenantScope, id: Int) async throws
    func duplicate(scope: TenantScope, id: Int, createdBy: Int?) async throws -> Campaign
    /// Snapshot (or schedule) a draft; returns the campaign after the transition.
    func send(scope: TenantScope, id: Int) async throws -> Campaign
    func transition(scope: TenantScope, id: Int, action: CampaignAction) async throws -> Campaign
    func progress(scope: TenantScope, id: Int) async throws -> CampaignProgress
    func logs(scope: TenantScope, id: Int, status: String?, page: PageRequest) async throws -> Page<CampaignLogRow>
    /// Streams log rows of the current run in id order, at most `limit` (nil = all).
    func streamLogs(scope: TenantScope, id: Int, limit: Int?, _ handle: ([CampaignLogRow]) async throws -> Void) async throws
    /// Row counts of each campaign's current run, keyed by campaign id, in one query.
    func counters(scope: TenantScope, campaigns: [Campaign]) async throws -> [Int: CampaignProgress]
    /// The first `limit` recipients of the current run (or of the live audience for a draft).
    func previewRecipients(scope: TenantScope, id: Int, limit: Int) async throws -> [Recipient]
}
