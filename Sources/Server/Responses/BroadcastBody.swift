import Campaigns
import Foundation

/// A broadcast as answered (DESIGN §14): the contract's `id, name, channels, mode, status,
/// campaigns`, plus what the editor needs to show it again: the shared audience and schedule
/// (from its first campaign) and each channel's message under `content`.
struct BroadcastBody: Encodable {
    let id: Int
    let tenantId: Int?
    let name: String
    let channels: [String]
    let mode: String
    let status: String
    let campaigns: [CampaignItem]
    let segment: Segment?
    let filters: SegmentFilters?
    let audienceId: Nullable<Int>
    let scheduledAt: Nullable<Date>
    let recurrence: Nullable<String>
    let repeatRule: Nullable<RepeatRule>
    let holdoutPercent: Int
    let content: [String: ContentBody]
    let createdBy: Int?
    let createdAt: Date
    let updatedAt: Date
    let warnings: [String]?

    /// One channel's campaign.
    struct CampaignItem: Encodable {
        let channel: String
        let id: Int
        let status: String
        let statusReason: String?
        let run: Int
        let total: Int
    }

    /// One channel's message, with the campaign's field names.
    struct ContentBody: Encodable {
        let body: String
        let subject: String?
        let templateId: Int?
        let contentSid: String?
        let contentVariables: [String: String]?
        /// Translations by locale (DESIGN §15), `{}` when there are none.
        let subjectI18N: [String: String]
        let bodyI18N: [String: String]
        let actionLabelI18N: [String: String]
        /// The email's button, null without one.
        let actionLabel: Nullable<String>
        let actionUrl: Nullable<String>
    }

    init(_ view: BroadcastView, scope: TenantScope, warnings: [String]? = nil) {
        let b = view.broadcast
        let first = view.campaigns.first?.campaign
        id = b.id
        tenantId = scope.tenantID
        name = b.name
        channels = b.channels.map(\.rawValue)
        mode = b.mode.rawValue
        status = view.status.rawValue
        campaigns = view.campaigns.map {
            CampaignItem(
                channel: $0.campaign.channel.rawValue, id: $0.campaign.id, status: $0.campaign.status.rawValue,
                statusReason: $0.campaign.statusReason?.rawValue, run: $0.campaign.currentRun, total: $0.campaign.totalCount)
        }
        segment = first.map { $0.segment.effective }
        filters = first?.filters
        audienceId = Nullable(first?.audienceID)
        scheduledAt = Nullable(first?.scheduledAt)
        recurrence = Nullable(first?.recurrence?.source)
        repeatRule = Nullable(first?.repeatRule)
        holdoutPercent = first?.holdoutPercent ?? 0
        var content: [String: ContentBody] = [:]
        for campaign in view.campaigns.map(\.campaign) {
            content[campaign.channel.rawValue] = ContentBody(
                body: campaign.body, subject: campaign.subject, templateId: campaign.templateID, contentSid: campaign.contentSID,
                contentVariables: campaign.contentVariables, subjectI18N: campaign.localized.subjects,
                bodyI18N: campaign.localized.bodies, actionLabelI18N: campaign.localized.actionLabels,
                actionLabel: Nullable(campaign.localized.action?.label), actionUrl: Nullable(campaign.localized.action?.url))
        }
        self.content = content
        createdBy = b.createdBy
        createdAt = b.createdAt
        updatedAt = b.updatedAt
        self.warnings = warnings
    }
}

/// `GET /api/v1/broadcasts/{id}/results`: §12's answer over the broadcast, whose id it names
/// `broadcast_id` (`campaign_id` is the same id, kept so the body reads like a campaign's).
struct BroadcastResultsBody: Encodable {
    let results: ResultsBody

    enum CodingKeys: String, CodingKey { case broadcastId = "broadcast_id" }

    init(_ results: ResultsBody) { self.results = results }

    func encode(to encoder: any Encoder) throws {
        try results.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(results.campaignId, forKey: .broadcastId)
    }
}
