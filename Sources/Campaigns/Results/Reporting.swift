import Foundation

/// The dashboard's figures (DESIGN §7) for some channels of a tenant.
public struct Dashboard: Sendable, Hashable {
    /// Campaigns per status.
    public var campaigns: [CampaignStatus: Int]
    /// Log rows: sent (delivered included), delivered, failed (undelivered included), pending.
    public var sent: Int
    public var delivered: Int
    public var failed: Int
    public var pending: Int
    /// The last 30 days in the tenant's time zone, oldest first.
    public var daily: [DailyCount]
    public var timeZone: String

    public init(
        campaigns: [CampaignStatus: Int], sent: Int, delivered: Int, failed: Int, pending: Int, daily: [DailyCount], timeZone: String
    ) {
        self.campaigns = campaigns
        self.sent = sent
        self.delivered = delivered
        self.failed = failed
        self.pending = pending
        self.daily = daily
        self.timeZone = timeZone
    }
}

/// Messages of one day.
public struct DailyCount: Sendable, Hashable {
    /// `YYYY-MM-DD` in the tenant's time zone.
    public var date: String
    public var sent: Int
    public var failed: Int

    public init(date: String, sent: Int, failed: Int) {
        self.date = date
        self.sent = sent
        self.failed = failed
    }
}

/// One message to a customer, for the customer's history.
public struct CustomerMessage: Sendable, Hashable {
    public var campaignID: Int
    public var campaignName: String
    public var kind: CampaignKind
    public var channel: Channel
    public var address: String
    public var status: LogStatus
    public var sentAt: Date?
    public var lastError: String?
    /// Clicks and the open of the message (DESIGN §18).
    public var engagement: Engagement

    public init(
        campaignID: Int, campaignName: String, kind: CampaignKind, channel: Channel, address: String, status: LogStatus, sentAt: Date?,
        lastError: String?, engagement: Engagement = Engagement()
    ) {
        self.engagement = engagement
        self.campaignID = campaignID
        self.campaignName = campaignName
        self.kind = kind
        self.channel = channel
        self.address = address
        self.status = status
        self.sentAt = sentAt
        self.lastError = lastError
    }
}
