import Campaigns
import Foundation

/// One reading of an object's progress as the event stream sends it (DESIGN §17): the progress
/// answer already encoded as one line of JSON, and the few figures that decide whether it is
/// worth an event. A campaign makes one from its §7 answer; a broadcast (§14) makes one from its
/// summed answer, with every channel it spans in `channels`.
public struct ProgressFrame: Sendable, Equatable {
    /// The progress answer, one line of JSON (the `data:` of the event).
    public var data: String
    /// `sent + failed + skipped + delivered + undelivered`: what moved.
    public var moved: Int
    public var status: String
    public var stage: String
    /// The object has ended (every campaign of it completed, failed or was cancelled): the
    /// stream sends `done` and closes.
    public var ended: Bool
    /// Whether messages are going out now (the poller reads faster then).
    public var active: Bool
    /// The channels a subscriber must be allowed to read on.
    public var channels: Set<Channel>

    public init(data: String, moved: Int, status: String, stage: String, ended: Bool, active: Bool, channels: Set<Channel>) {
        self.data = data
        self.moved = moved
        self.status = status
        self.stage = stage
        self.ended = ended
        self.active = active
        self.channels = channels
    }
}

extension CampaignStatus {
    /// Completed, failed or cancelled: nothing more will move in this run, and no run follows.
    var hasEnded: Bool { self == .completed || self == .failed || self == .cancelled }
}

extension ProgressFrame {
    /// A campaign's frame: its `GET …/progress` answer, byte for byte.
    init(campaign view: CampaignView) {
        let p = view.progress
        let json = (try? APIJSON.encoder.encode(ProgressBody(view))).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        self.init(
            data: json, moved: p.sent + p.failed + p.skipped + p.delivered + p.undelivered, status: p.status.rawValue,
            stage: p.stage.rawValue, ended: p.status.hasEnded, active: p.status == .sending || p.status == .queued,
            channels: [view.campaign.channel])
    }
}

/// When a subscriber gets another `progress` event: the counters moved by at least `step`, or
/// the status or stage changed, and at least `spacing` after the last event (DESIGN §17).
public struct ProgressEventPolicy: Sendable {
    public var step = 5
    public var spacing: Duration = .milliseconds(250)

    public init() {}

    public func shouldSend(_ frame: ProgressFrame, after last: ProgressFrame, elapsed: Duration) -> Bool {
        guard elapsed >= spacing else { return false }
        return abs(frame.moved - last.moved) >= step || frame.status != last.status || frame.stage != last.stage
    }
}
