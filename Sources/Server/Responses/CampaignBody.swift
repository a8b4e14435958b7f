import Campaigns
import Foundation

/// A campaign as answered (snake_case via the encoder, like every body here).
struct CampaignBody: Encodable {
    let id: Int
    let tenantId: Int?
    let channel: String
    let kind: String
    let name: String
    let status: String
    let statusReason: String?
    let segment: Segment
    let filters: SegmentFilters
    /// The saved audience it reaches (DESIGN §16), null for its own segment.
    let audienceId: Nullable<Int>
    /// The broadcast it is one channel of (DESIGN §14), null when alone.
    let broadcastId: Nullable<Int>
    let templateId: Int?
    let subject: String?
    let body: String
    let contentSid: String?
    /// Translations by locale (DESIGN §15), `{}` when there are none (`I18N`: the encoder writes `_i18n`).
    let subjectI18N: [String: String]
    let bodyI18N: [String: String]
    let actionLabelI18N: [String: String]
    /// The email's button, null without one.
    let actionLabel: Nullable<String>
    let actionUrl: Nullable<String>
    let contentVariables: [String: String]?
    let scheduledAt: Date?
    let recurrence: String?
    let repeatRule: Nullable<RepeatRule>
    let holdoutPercent: Int
    let run: Int
    let total: Int
    let createdBy: Int?
    let createdAt: Date
    let updatedAt: Date
    let startedAt: Date?
    let finishedAt: Date?
    let counters: CountersBody
    let nextRunAt: Nullable<Date>
    /// Bookings and revenue so far (lists and the dashboard, for callers who may read them).
    let results: ResultSummaryBody?
    let warnings: [String]?

    /// Row counts of the current run, by row status (disjoint: they add up to `total`).
    struct CountersBody: Encodable {
        let total, sent, delivered, undelivered, failed, skipped, pending, sending: Int
    }

    init(_ view: CampaignView, scope: TenantScope, warnings: [String]? = nil) {
        let c = view.campaign
        let p = view.progress
        nextRunAt = Nullable(view.nextRunAt)
        id = c.id
        tenantId = scope.tenantID
        counters = CountersBody(
            total: p.total, sent: p.sent, delivered: p.delivered, undelivered: p.undelivered, failed: p.failed, skipped: p.skipped,
            pending: p.pending, sending: p.sending)
        channel = c.channel.rawValue
        kind = c.kind.rawValue
        name = c.name
        status = c.status.rawValue
        statusReason = c.statusReason?.rawValue
        segment = c.segment.effective
        filters = c.filters
        audienceId = Nullable(c.audienceID)
        broadcastId = Nullable(c.broadcastID)
        templateId = c.templateID
        subject = c.subject
        body = c.body
        contentSid = c.contentSID
        subjectI18N = c.localized.subjects
        bodyI18N = c.localized.bodies
        actionLabelI18N = c.localized.actionLabels
        actionLabel = Nullable(c.localized.action?.label)
        actionUrl = Nullable(c.localized.action?.url)
        contentVariables = c.contentVariables
        scheduledAt = c.scheduledAt
        recurrence = c.recurrence?.source
        repeatRule = Nullable(c.repeatRule)
        holdoutPercent = c.holdoutPercent
        run = c.currentRun
        total = c.totalCount
        createdBy = c.createdBy
        createdAt = c.createdAt
        updatedAt = c.updatedAt
        startedAt = c.startedAt
        finishedAt = c.finishedAt
        results = view.results.map(ResultSummaryBody.init)
        self.warnings = warnings
    }
}
