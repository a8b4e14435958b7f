import Foundation

/// Who a broadcast reaches on which channel (DESIGN §14).
public enum BroadcastMode: String, Sendable, Codable, CaseIterable, Hashable {
    /// Every listed channel on which the customer is a recipient.
    case all
    /// Only the first listed channel on which the customer is a recipient.
    case first
}

/// A stored broadcast: one message over several channels, one ordinary campaign per channel.
public struct Broadcast: Sendable, Hashable {
    public var id: Int
    public var tenantID: Int?
    public var name: String
    /// The channels in the order `first` mode tries them.
    public var channels: [Channel]
    public var mode: BroadcastMode
    public var createdBy: Int?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int, tenantID: Int?, name: String, channels: [Channel], mode: BroadcastMode, createdBy: Int?, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.channels = channels
        self.mode = mode
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The accepted number of channels.
    public static let channelCount = 2...3
}

/// Validated broadcast input: its campaigns' drafts, one per channel in the broadcast's order.
public struct BroadcastDraft: Sendable, Hashable {
    public var name: String
    public var mode: BroadcastMode
    public var campaigns: [CampaignDraft]

    public init(name: String, mode: BroadcastMode, campaigns: [CampaignDraft]) {
        self.name = name
        self.mode = mode
        self.campaigns = campaigns
    }

    public var channels: [Channel] { campaigns.map(\.channel) }
    public var warnings: [String] { campaigns.flatMap(\.warnings) }
}

/// A broadcast with its campaigns (in the broadcast's channel order) and their counters.
public struct BroadcastView: Sendable, Hashable {
    public var broadcast: Broadcast
    public var campaigns: [CampaignView]

    public init(broadcast: Broadcast, campaigns: [CampaignView]) {
        self.broadcast = broadcast
        self.campaigns = campaigns.sorted { lhs, rhs in
            (broadcast.channels.firstIndex(of: lhs.campaign.channel) ?? 9) < (broadcast.channels.firstIndex(of: rhs.campaign.channel) ?? 9)
        }
    }

    /// The status DESIGN §14 derives from the campaigns.
    public var status: CampaignStatus { Self.status(of: campaigns.map(\.campaign.status)) }

    /// The counters of every channel's current run, summed.
    public var progress: CampaignProgress {
        var sum = CampaignProgress(status: status)
        for view in campaigns { sum.accumulate(view.progress) }
        return sum
    }

    /// `sending` while any campaign is queued or sending, `paused` while any is paused and none
    /// sends, otherwise that of the campaigns when they agree, else `completed` when all ended
    /// and one completed. Other mixtures (not covered by the contract) answer the least
    /// advanced campaign's: `draft` before `scheduled`, then `cancelled` before `failed`.
    public static func status(of statuses: [CampaignStatus]) -> CampaignStatus {
        let found = Set(statuses)
        if found.contains(.queued) || found.contains(.sending) { return .sending }
        if found.contains(.paused) { return .paused }
        if found.count == 1, let only = found.first { return only }
        let ended: Set<CampaignStatus> = [.completed, .failed, .cancelled]
        if found.isSubset(of: ended) {
            if found.contains(.completed) { return .completed }
            return found.contains(.cancelled) ? .cancelled : .failed
        }
        return found.contains(.draft) ? .draft : .scheduled
    }
}

/// A run already snapshotted in the same transaction, whose customers a `first` broadcast leaves
/// out of its later channels.
public struct RunReference: Sendable, Hashable {
    public var campaignID: Int
    public var run: Int

    public init(campaignID: Int, run: Int) {
        self.campaignID = campaignID
        self.run = run
    }
}

extension CampaignProgress {
    /// Adds another run's counters (a broadcast's progress is its channels' sum).
    public mutating func accumulate(_ other: CampaignProgress) {
        total += other.total
        sent += other.sent
        delivered += other.delivered
        undelivered += other.undelivered
        failed += other.failed
        skipped += other.skipped
        pending += other.pending
        sending += other.sending
        waiting += other.waiting
        retrying += other.retrying
        sentLastMinute += other.sentLastMinute
        clicked += other.clicked
        opened += other.opened
        run = max(run, other.run)
        if let release = other.nextReleaseAt { nextReleaseAt = min(nextReleaseAt ?? release, release) }
    }
}
