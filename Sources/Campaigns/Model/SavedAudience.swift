import Foundation

/// A named segment and filters kept for reuse (DESIGN §16). Campaigns reference it by
/// `audience_id`; it is read when a run's snapshot is taken.
public struct SavedAudience: Sendable, Hashable {
    public var id: Int
    public var name: String
    /// The channel it was made for; a campaign of another channel may still use it.
    public var channel: Channel
    public var segment: Segment
    public var filters: SegmentFilters
    public var createdBy: Int?
    public var createdAt: Date
    public var updatedAt: Date
    /// Ids of the tenant's campaigns that reference it, ascending.
    public var usedBy: [Int]

    public init(
        id: Int, name: String, channel: Channel, segment: Segment, filters: SegmentFilters, createdBy: Int?, createdAt: Date,
        updatedAt: Date, usedBy: [Int] = []
    ) {
        self.id = id
        self.name = name
        self.channel = channel
        self.segment = segment
        self.filters = filters
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.usedBy = usedBy
    }

    /// Who it reaches on `channel` (the campaign's: §5's recipient rules follow the campaign).
    public func definition(channel: Channel, in scope: TenantScope) -> AudienceDefinition {
        AudienceDefinition(channel: channel, segment: segment, filters: filters, scope: scope)
    }
}

/// Validated input of an audience create or update.
public struct AudienceDraft: Sendable, Hashable {
    public var name: String
    public var channel: Channel
    public var segment: Segment
    public var filters: SegmentFilters

    public init(name: String, channel: Channel, segment: Segment, filters: SegmentFilters = SegmentFilters()) {
        self.name = name
        self.channel = channel
        self.segment = segment
        self.filters = filters
    }
}

/// Which campaigns keep a saved audience from being deleted: a draft, scheduled, queued or
/// sending campaign, or a recurring one that has not been cancelled (DESIGN §16).
public enum AudienceUse {
    /// Statuses in which any campaign blocks the deletion.
    public static let blockingStatuses: [CampaignStatus] = [.draft, .scheduled, .queued, .sending]

    /// Whether `campaign` blocks deleting the audience it references.
    public static func blocks(_ campaign: Campaign) -> Bool {
        blockingStatuses.contains(campaign.status) || (campaign.recurrence != nil && campaign.status != .cancelled)
    }

    /// The 409 answer naming the campaigns that use it.
    public static func inUse(_ ids: [Int]) -> DomainError {
        .conflict(
            .audienceInUse,
            message: "This audience is used by \(ids.count == 1 ? "a campaign" : "\(ids.count) campaigns") that can still send "
                + "(\(ids.map { "#\($0)" }.joined(separator: ", "))). Change or cancel \(ids.count == 1 ? "it" : "them") first.")
    }

    /// The 400 answer when a campaign names an audience the tenant does not have.
    public static let unknown = DomainError.validation(
        field: "audience_id", message: "The chosen saved audience no longer exists. Choose another one from the list.")
}
