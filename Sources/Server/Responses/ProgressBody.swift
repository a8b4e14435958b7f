import Campaigns
import Foundation

/// A run's progress (the counters, rate and estimate).
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
    /// Recipients who clicked a tracked link, and whose open was recorded (DESIGN §18).
    let clicked, opened: Int

    init(_ view: CampaignView) {
        let p = view.progress
        clicked = p.clicked
        opened = p.opened
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
