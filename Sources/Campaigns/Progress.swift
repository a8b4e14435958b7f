import Foundation

/// Campaign progress computed from the log rows of one run.
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

    /// Adds `count` rows of `status`.
    public mutating func add(_ count: Int, _ status: LogStatus) {
        total += count
        switch status {
        case .sent: sent += count
        case .delivered:
            sent += count
            delivered += count
        case .failed, .undelivered: failed += count
        case .skipped: skipped += count
        case .pending: pending += count
        case .sending: sending += count
        }
    }
}

/// A campaign as answers show it: the stored row and its current run's counters.
public struct CampaignView: Sendable, Hashable {
    public var campaign: Campaign
    public var progress: CampaignProgress

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

    public init(
        id: Int, run: Int, customerID: Int?, address: String, firstName: String?, lastName: String?, status: LogStatus,
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
