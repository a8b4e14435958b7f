import Foundation

/// Campaign progress computed from the log rows of one run.
public struct CampaignProgress: Sendable, Hashable {
    public var status: CampaignStatus
    public var total = 0
    public var sent = 0
    /// Rows the provider reported delivered (not counted in `sent`: the counters are disjoint).
    public var delivered = 0
    /// Rows the provider reported undelivered (not counted in `failed`).
    public var undelivered = 0
    public var failed = 0
    public var skipped = 0
    public var pending = 0
    public var sending = 0
    /// Pending rows held by quiet hours (a part of `pending`).
    public var waiting = 0
    /// When the first row quiet hours hold goes out: the earliest `next_attempt_at` of the
    /// held rows (DESIGN §21); nil when none is held.
    public var nextReleaseAt: Date?
    /// Pending rows that failed before and wait for their retry.
    public var retrying = 0
    /// Rows sent in the last minute (for the rate).
    public var sentLastMinute = 0
    /// The run these counts are of.
    public var run = 0
    /// Recipients who clicked a tracked link of their message, and whose open was recorded
    /// (DESIGN §18; opens are indicative).
    public var clicked = 0
    public var opened = 0

    public init(status: CampaignStatus) { self.status = status }

    /// Messages per second over the last minute.
    public var rate: Double { Double(sentLastMinute) / 60 }

    /// Seconds until the rows still to go are sent at the current rate; nil when unknown (no
    /// rate yet, or only rows held by quiet hours are left).
    public var etaSeconds: Int? {
        let due = pending - waiting + sending
        if due <= 0 { return waiting > 0 || total == 0 ? nil : 0 }
        guard rate > 0 else { return nil }
        return Int((Double(due) / rate).rounded(.up))
    }

    /// Where the run stands (DESIGN §7).
    public var stage: ProgressStage {
        switch status {
        case .scheduled: .scheduled
        case .paused: .paused
        case .completed, .failed, .cancelled: .done
        case .draft, .queued: .preparing
        case .sending: pending > 0 ? .sending : .finalizing
        }
    }

    /// Messages that went out: sent, delivered or undelivered (the provider took them).
    public var wentOut: Int { sent + delivered + undelivered }

    /// Adds `count` rows of `status`. Each row counts under its own status only (DESIGN §7), so
    /// `pending + sending + sent + delivered + undelivered + failed + skipped == total`.
    public mutating func add(_ count: Int, _ status: LogStatus) {
        total += count
        switch status {
        case .sent: sent += count
        case .delivered: delivered += count
        case .failed: failed += count
        case .undelivered: undelivered += count
        case .skipped: skipped += count
        case .pending: pending += count
        case .sending: sending += count
        }
    }
}

/// The stages of a campaign's progress (DESIGN §7).
public enum ProgressStage: String, Sendable, Codable, CaseIterable, Hashable {
    case scheduled, preparing, sending, finalizing, done, paused
}

/// A campaign as answers show it: the stored row and its current run's counters.
public struct CampaignView: Sendable, Hashable {
    public var campaign: Campaign
    public var progress: CampaignProgress
    /// What the campaign brought back so far (lists and the dashboard fill it in).
    public var results: AttributionFigures?

    /// When the next run starts: the scheduled time of a scheduled campaign.
    public var nextRunAt: Date? { campaign.status == .scheduled ? campaign.scheduledAt : nil }

    public init(campaign: Campaign, progress: CampaignProgress) {
        self.campaign = campaign
        self.progress = progress
    }
}

/// One recipient row of a campaign run (DESIGN §4).
public struct CampaignLogRow: Sendable, Hashable {
    public var id: Int
    public var run: Int
    public var customerID: Int?
    public var address: String
    public var firstName: String?
    public var lastName: String?
    public var status: LogStatus
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var providerMessageID: String?
    public var sentAt: Date?
    public var updatedAt: Date
    /// Whether quiet hours hold this row (it stays `pending` until `nextAttemptAt`, DESIGN §21);
    /// a held row has no `lastError`, which is for errors only.
    public var held: Bool
    /// The content variant the recipient gets (DESIGN §15: a locale key), nil for the base text.
    public var locale: String?
    /// Engagement (DESIGN §18): the first click of a tracked link, how many clicks, the first open.
    public var engagement = Engagement()

    /// Until when quiet hours hold this row: its `nextAttemptAt` while it is pending and held.
    public var heldUntil: Date? { status == .pending && held ? nextAttemptAt : nil }

    public init(
        id: Int, run: Int, customerID: Int?, address: String, firstName: String?, lastName: String?, status: LogStatus,
        attempts: Int, nextAttemptAt: Date?, lastError: String?, providerMessageID: String?, sentAt: Date?, updatedAt: Date,
        held: Bool = false, locale: String? = nil
    ) {
        self.locale = locale
        self.held = held
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
