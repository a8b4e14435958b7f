import Campaigns
import Foundation

/// The checks a claimed batch passes right before its calls (DESIGN §6), as a value: the
/// suppression list, the frequency cap and quiet hours, read by the shell in one query each and
/// applied here to every row. No I/O: tested as a value.
public struct BatchGate: Sendable, Hashable {
    /// Lower-cased addresses of the batch that are on the tenant's suppression list.
    public var suppressed: Set<String>
    /// The tenant's frequency cap on the channel, if any.
    public var frequencyCap: FrequencyCap?
    /// Messages each customer was sent within the cap's window (all campaigns of the channel).
    public var sentRecently: [Int: Int]
    /// The quiet hours that hold rows back (phone channels only; nil: none apply).
    public var quietHours: QuietHours?
    /// Each recipient's own time zone, for `quietHours`.
    public var zones: RecipientZones

    public init(
        suppressed: Set<String> = [], frequencyCap: FrequencyCap? = nil, sentRecently: [Int: Int] = [:], quietHours: QuietHours? = nil,
        zones: RecipientZones = RecipientZones()
    ) {
        self.suppressed = suppressed
        self.frequencyCap = frequencyCap
        self.sentRecently = sentRecently
        self.quietHours = quietHours
        self.zones = zones
    }

    /// The quiet hours that apply to `channel` under `settings`: SMS and WhatsApp only, and
    /// none when the window never holds.
    public static func quietHours(channel: Channel, settings: ChannelSettings) -> QuietHours? {
        channel.usesPhone && !settings.quietHours.value.neverHolds ? settings.quietHours.value : nil
    }

    /// Sorts `rows` at `now`: suppressed and capped rows are skipped, rows inside quiet hours
    /// held until the window opens in their zone, the rest go on to be sent, in claim order.
    public func sort(_ rows: [ClaimedRow], now: Date) -> GateDecision {
        var decision = GateDecision()
        for row in rows {
            if suppressed.contains(row.address.lowercased()) {
                decision.results.append(.skipped(id: row.id, reason: .suppressed))
                decision.counts.skipped += 1
            } else if let cap = frequencyCap, let customer = row.customerID, sentRecently[customer, default: 0] >= cap.max {
                decision.results.append(.skipped(id: row.id, reason: .frequencyCap))
                decision.counts.skipped += 1
            } else if let window = quietHours, let opening = window.nextOpening(after: now, in: zones.zone(of: row)) {
                decision.results.append(.held(id: row.id, until: opening))
                decision.counts.held += 1
            } else {
                decision.toSend.append(row)
            }
        }
        return decision
    }
}

/// What the gate made of a batch: the rows' results so far, and the rows still to send.
public struct GateDecision: Sendable, Hashable {
    /// Rows skipped or held (each a result to record).
    public var results: [RowResult] = []
    /// Rows that go on to their provider call, in claim order.
    public var toSend: [ClaimedRow] = []
    /// The skipped and held rows, counted.
    public var counts = SendCounts()

    public init() {}
}

/// Each recipient's time zone: the `client_timezone` of the customer's latest appointment when
/// it names a zone, else the tenant's.
public struct RecipientZones: Sendable, Hashable {
    /// The tenant's zone (UTC when it has none).
    public var fallback: TimeZone
    /// `client_timezone` by customer id, as stored.
    public var clients: [Int: String]

    public init(fallback: TimeZone = TimeZone(secondsFromGMT: 0)!, clients: [Int: String] = [:]) {
        self.fallback = fallback
        self.clients = clients
    }

    /// `row`'s zone.
    public func zone(of row: ClaimedRow) -> TimeZone {
        row.customerID.flatMap { clients[$0] }.flatMap(TimeZoneName.parse) ?? fallback
    }
}
