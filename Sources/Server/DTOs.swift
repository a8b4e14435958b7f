import Campaigns
import Foundation

/// JSON shapes of the API (snake_case via the encoder).
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
    let templateId: Int?
    let subject: String?
    let body: String
    let contentSid: String?
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
        segment = Segment(type: c.segment.type, days: c.segment.effectiveDays)
        filters = c.filters
        templateId = c.templateID
        subject = c.subject
        body = c.body
        contentSid = c.contentSID
        contentVariables = c.contentVariables
        scheduledAt = c.scheduledAt
        recurrence = c.recurrence
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

struct RecipientBody: Encodable {
    let customerId: Int
    let name: String
    let address: String

    init(_ r: Recipient, masked: Bool = false) {
        customerId = r.customerID
        name = r.displayName
        address = masked ? Self.mask(r.address) : r.address
    }

    /// `+447700900123` → `+447*******23`; `ann@example.com` → `a***@example.com`.
    static func mask(_ address: String) -> String {
        if let at = address.firstIndex(of: "@") {
            return String(address.prefix(1)) + "***" + address[at...]
        }
        let visibleHead = min(4, address.count)
        let visibleTail = min(2, max(0, address.count - visibleHead))
        return String(address.prefix(visibleHead)) + String(repeating: "*", count: address.count - visibleHead - visibleTail)
            + String(address.suffix(visibleTail))
    }
}

struct TemplateBody: Encodable {
    let id: Int
    let channel: String
    let name: String
    let subject: String?
    let body: String
    let builtin: Bool
    let createdAt: Date
    let updatedAt: Date
    let warnings: [String]?

    init(_ t: MessageTemplate, warnings: [String]? = nil) {
        self.warnings = warnings
        id = t.id
        channel = t.channel.rawValue
        name = t.name
        subject = t.subject
        body = t.body
        builtin = t.isBuiltin
        createdAt = t.createdAt
        updatedAt = t.updatedAt
    }
}

struct SuppressionBody: Encodable {
    let id: Int
    let channel: String
    let address: String
    let reason: String?
    let source: String
    let createdAt: Date

    init(_ s: Suppression) {
        id = s.id
        channel = s.channel.rawValue
        address = s.address
        reason = s.reason
        source = s.source.rawValue
        createdAt = s.createdAt
    }
}

struct LogRowBody: Encodable {
    let id: Int
    let run: Int
    let customerId: Int?
    let address: String
    let firstName: String?
    let lastName: String?
    let status: String
    let attempts: Int
    let nextAttemptAt: Date?
    let lastError: String?
    let providerMessageId: String?
    let sentAt: Date?
    let updatedAt: Date
    /// Until when quiet hours hold the row (its `next_attempt_at`); null when it is not held.
    let heldUntil: Nullable<Date>

    init(_ r: CampaignLogRow) {
        heldUntil = Nullable(r.heldUntil)
        id = r.id
        run = r.run
        customerId = r.customerID
        address = r.address
        firstName = r.firstName
        lastName = r.lastName
        status = r.status.rawValue
        attempts = r.attempts
        nextAttemptAt = r.nextAttemptAt
        lastError = r.lastError
        providerMessageId = r.providerMessageID
        sentAt = r.sentAt
        updatedAt = r.updatedAt
    }
}

struct ProgressBody: Encodable {
    let status: String
    let stage: String
    let total, sent, delivered, undelivered, failed, skipped, pending, sending, waiting, retrying: Int
    let rate: Double
    let etaSeconds: Nullable<Int>
    let run: Int
    let nextRunAt: Nullable<Date>
    /// The earliest time a row held by quiet hours goes out; null when none is held.
    let nextReleaseAt: Nullable<Date>

    init(_ view: CampaignView) {
        let p = view.progress
        nextReleaseAt = Nullable(p.nextReleaseAt)
        status = p.status.rawValue
        stage = p.stage.rawValue
        total = p.total
        sent = p.sent
        delivered = p.delivered
        undelivered = p.undelivered
        failed = p.failed
        skipped = p.skipped
        pending = p.pending
        sending = p.sending
        waiting = p.waiting
        retrying = p.retrying
        rate = (p.rate * 100).rounded() / 100
        etaSeconds = Nullable(p.etaSeconds)
        run = p.run
        nextRunAt = Nullable(view.nextRunAt)
    }
}

/// A value that is written as JSON `null` when absent (plain optionals are left out).
struct Nullable<Value: Encodable>: Encodable {
    let value: Value?
    init(_ value: Value?) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}

struct DashboardBody: Encodable {
    struct Messages: Encodable { let sent, delivered, failed, pending: Int }
    struct Day: Encodable { let date: String; let sent, failed: Int }
    let campaigns: [String: Int]
    let messages: Messages
    let daily: [Day]
    let timezone: String
    let recent: [CampaignBody]
    /// Attributed bookings per day (callers who may read the logs of the channels).
    let bookingsDaily: [ResultsBody.DayBody]?
    let currency: String?

    init(_ dashboard: Dashboard, recent: [CampaignBody], bookings: (days: [DailyBookings], currency: String?)? = nil) {
        bookingsDaily = bookings?.days.map { ResultsBody.DayBody(date: $0.date, bookings: $0.bookings, revenue: $0.revenue) }
        currency = bookings?.currency
        var campaigns = Dictionary(uniqueKeysWithValues: CampaignStatus.allCases.map { ($0.rawValue, dashboard.campaigns[$0] ?? 0) })
        campaigns["total"] = dashboard.campaigns.values.reduce(0, +)
        self.campaigns = campaigns
        messages = Messages(sent: dashboard.sent, delivered: dashboard.delivered, failed: dashboard.failed, pending: dashboard.pending)
        daily = dashboard.daily.map { Day(date: $0.date, sent: $0.sent, failed: $0.failed) }
        timezone = dashboard.timeZone
        self.recent = recent
    }
}

struct CustomerMessageBody: Encodable {
    let campaignId: Int
    let campaignName: String
    let kind: String
    let channel: String
    let address: String
    let status: String
    let sentAt: Nullable<Date>
    let lastError: Nullable<String>

    init(_ message: CustomerMessage) {
        campaignId = message.campaignID
        campaignName = message.campaignName
        kind = message.kind.rawValue
        channel = message.channel.rawValue
        address = message.address
        status = message.status.rawValue
        sentAt = Nullable(message.sentAt)
        lastError = Nullable(message.lastError)
    }
}
