import Foundation

/// A stored campaign (DESIGN §4).
public struct Campaign: Sendable, Hashable {
    public var id: Int
    public var channel: Channel
    public var name: String
    public var status: CampaignStatus
    public var statusReason: StatusReason?
    public var segment: Segment
    public var filters: SegmentFilters
    public var templateID: Int?
    public var subject: String?
    public var body: String
    public var contentSID: String?
    public var contentVariables: [String: String]?
    public var scheduledAt: Date?
    /// The cron expression of an automation, parsed once where it enters (request or row).
    public var recurrence: CronExpression?
    public var currentRun: Int
    public var totalCount: Int
    public var createdBy: Int?
    public var createdAt: Date
    public var updatedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// The tenant the row belongs to (nil on a single site), for the engine, which acts for all.
    public var tenantID: Int?
    /// A composed campaign or a manual send.
    public var kind: CampaignKind
    /// Who a new run leaves out (recurring campaigns).
    public var repeatRule: RepeatRule?
    /// The share of the snapshot held out to measure lift (0 = none).
    public var holdoutPercent: Int
    /// The saved audience it reaches (DESIGN §16); its segment and filters are then a copy, and
    /// the audience is read when a run's snapshot is taken.
    public var audienceID: Int?
    /// Translations of the subject and body, and the email's call to action (DESIGN §15).
    public var localized: LocalizedContent
    /// The broadcast it is one channel of (DESIGN §14); nil for a campaign on its own.
    public var broadcastID: Int?

    public init(
        id: Int, channel: Channel, name: String, status: CampaignStatus, statusReason: StatusReason?, segment: Segment,
        filters: SegmentFilters, templateID: Int?, subject: String?, body: String, contentSID: String?,
        contentVariables: [String: String]?, scheduledAt: Date?, recurrence: CronExpression?, currentRun: Int, totalCount: Int,
        createdBy: Int?, createdAt: Date, updatedAt: Date, startedAt: Date?, finishedAt: Date?, tenantID: Int? = nil,
        kind: CampaignKind = .campaign, repeatRule: RepeatRule? = nil, holdoutPercent: Int = 0, audienceID: Int? = nil,
        localized: LocalizedContent = LocalizedContent(), broadcastID: Int? = nil
    ) {
        self.localized = localized
        self.audienceID = audienceID
        self.broadcastID = broadcastID
        self.tenantID = tenantID
        self.kind = kind
        self.repeatRule = repeatRule
        self.holdoutPercent = holdoutPercent
        self.id = id
        self.channel = channel
        self.name = name
        self.status = status
        self.statusReason = statusReason
        self.segment = segment
        self.filters = filters
        self.templateID = templateID
        self.subject = subject
        self.body = body
        self.contentSID = contentSID
        self.contentVariables = contentVariables
        self.scheduledAt = scheduledAt
        self.recurrence = recurrence
        self.currentRun = currentRun
        self.totalCount = totalCount
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    /// The tenant scope of the stored row.
    public var scope: TenantScope { TenantScope(storedTenantID: tenantID) }

    /// The audience this campaign reaches in `scope`.
    public func audience(in scope: TenantScope) -> AudienceDefinition {
        AudienceDefinition(channel: channel, segment: segment, filters: filters, scope: scope)
    }

    /// The audience of this campaign's next run: its repeat rule leaves out earlier recipients.
    public func nextRunAudience(in scope: TenantScope) -> AudienceDefinition {
        var audience = audience(in: scope)
        if let repeatRule, repeatRule.excludesAnyone { audience.repeatExclusion = RepeatExclusion(campaignID: id, rule: repeatRule) }
        return audience
    }
}

/// Validated campaign input from a create or update request, plus non-fatal warnings.
public struct CampaignDraft: Sendable, Hashable {
    public var channel: Channel
    public var name: String
    public var segment: Segment
    public var filters: SegmentFilters
    public var templateID: Int?
    public var subject: String?
    public var body: String
    public var contentSID: String?
    public var contentVariables: [String: String]?
    public var scheduledAt: Date?
    /// The cron expression of an automation, parsed once where it enters (request or row).
    public var recurrence: CronExpression?
    public var repeatRule: RepeatRule?
    public var holdoutPercent: Int
    /// A saved audience instead of `segment`/`filters` (DESIGN §16); the store fills those in
    /// from the audience.
    public var audienceID: Int?
    /// Translations of the subject and body, and the email's call to action (DESIGN §15).
    public var localized: LocalizedContent
    /// e.g. unknown `{shortcodes}` in the body.
    public var warnings: [String]

    public init(
        channel: Channel, name: String, segment: Segment, filters: SegmentFilters = SegmentFilters(),
        templateID: Int? = nil, subject: String? = nil, body: String, contentSID: String? = nil,
        contentVariables: [String: String]? = nil, scheduledAt: Date? = nil, recurrence: CronExpression? = nil,
        repeatRule: RepeatRule? = nil, holdoutPercent: Int = 0, audienceID: Int? = nil, warnings: [String] = [],
        localized: LocalizedContent = LocalizedContent()
    ) {
        self.localized = localized
        self.audienceID = audienceID
        self.repeatRule = repeatRule
        self.holdoutPercent = holdoutPercent
        self.channel = channel
        self.name = name
        self.segment = segment
        self.filters = filters
        self.templateID = templateID
        self.subject = subject
        self.body = body
        self.contentSID = contentSID
        self.contentVariables = contentVariables
        self.scheduledAt = scheduledAt
        self.recurrence = recurrence
        self.warnings = warnings
    }
}
