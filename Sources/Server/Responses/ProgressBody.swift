import Campaigns
import Foundation

/// The counters every progress answer carries (DESIGN §7, §18, §21), one campaign's or a
/// broadcast's sum: status and stage, the disjoint row counters, rate and estimate, when held
/// rows go out, and the recipients who clicked or opened.
struct ProgressCountersBody: Encodable {
    let status: String
    let stage: String
    let total, sent, delivered, undelivered, failed, skipped, pending, sending, waiting, retrying: Int
    let rate: Double
    let etaSeconds: Nullable<Int>
    /// The earliest time a row held by quiet hours goes out; null when none is held.
    let nextReleaseAt: Nullable<Date>
    /// Recipients who clicked a tracked link, and whose open was recorded (DESIGN §18).
    let clicked, opened: Int

    init(_ p: CampaignProgress, status: CampaignStatus) {
        self.status = status.rawValue
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
        nextReleaseAt = Nullable(p.nextReleaseAt)
        clicked = p.clicked
        opened = p.opened
    }
}

/// A campaign's progress (`GET /api/v1/campaigns/{id}/progress`): the counters of its current
/// run, which run that is, and when the next one starts.
struct ProgressBody: Encodable {
    let counters: ProgressCountersBody
    let run: Int
    let nextRunAt: Nullable<Date>

    private enum CodingKeys: String, CodingKey { case run, nextRunAt }

    init(_ view: CampaignView) {
        counters = ProgressCountersBody(view.progress, status: view.progress.status)
        run = view.progress.run
        nextRunAt = Nullable(view.nextRunAt)
    }

    func encode(to encoder: any Encoder) throws {
        try counters.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(run, forKey: .run)
        try container.encode(nextRunAt, forKey: .nextRunAt)
    }
}

/// `GET /api/v1/broadcasts/{id}/progress` (DESIGN §14): the counters summed over the channels,
/// and each channel's own progress under `channels`.
struct BroadcastProgressBody: Encodable {
    let counters: ProgressCountersBody
    let channels: [String: ProgressBody]

    private enum CodingKeys: String, CodingKey { case channels }

    init(_ view: BroadcastView) {
        counters = ProgressCountersBody(view.progress, status: view.status)
        var channels: [String: ProgressBody] = [:]
        for campaign in view.campaigns { channels[campaign.campaign.channel.rawValue] = ProgressBody(campaign) }
        self.channels = channels
    }

    func encode(to encoder: any Encoder) throws {
        try counters.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(channels, forKey: .channels)
    }
}
