import Foundation

/// Who a new run of a recurring campaign leaves out (DESIGN §5): with `oncePerCustomer`, every
/// customer (or address) an earlier run of this campaign sent or delivered a message to; with
/// `minDaysBetween`, those it messaged in the last N days. Applied inside the snapshot's
/// `INSERT … SELECT`, so an excluded customer never gets a log row.
public struct RepeatRule: Sendable, Hashable, Codable {
    public var oncePerCustomer: Bool
    public var minDaysBetween: Int?

    public init(oncePerCustomer: Bool = false, minDaysBetween: Int? = nil) {
        self.oncePerCustomer = oncePerCustomer
        self.minDaysBetween = minDaysBetween
    }

    /// The accepted `min_days_between`.
    public static let daysRange = 1...3650

    /// Whether the rule leaves anybody out.
    public var excludesAnyone: Bool { oncePerCustomer || minDaysBetween != nil }

    /// The earliest `sent_at` of an earlier message that still excludes a customer at `now`
    /// (nil = any earlier message does).
    public func exclusionStart(now: Int) -> Int? {
        if oncePerCustomer { return nil }
        return minDaysBetween.map { now - $0 * 86_400 }
    }

    enum CodingKeys: String, CodingKey {
        case oncePerCustomer = "once_per_customer"
        case minDaysBetween = "min_days_between"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        oncePerCustomer = try container.decodeIfPresent(Bool.self, forKey: .oncePerCustomer) ?? false
        minDaysBetween = try container.decodeIfPresent(Int.self, forKey: .minDaysBetween)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if oncePerCustomer { try container.encode(true, forKey: .oncePerCustomer) }
        try container.encodeIfPresent(minDaysBetween, forKey: .minDaysBetween)
    }
}

/// The holdout group of a campaign (DESIGN §12): `percent` of the snapshot, chosen by a hash
/// of campaign id and customer id, is logged `skipped` / `holdout` and never messaged.
///
/// The hash is CRC-32 (IEEE, as MariaDB's `CRC32()`) of `"<campaign id>:<customer id>"`; a
/// customer is held out when it modulo 100 is below `percent`. The same customer is in the
/// same group in every run of a campaign, and the SQL and this type agree on every pair.
public struct Holdout: Sendable, Hashable {
    public let percent: Int

    /// The accepted `holdout_percent`.
    public static let range = 0...50

    /// The broadcast whose campaigns share one draw (DESIGN §14): a customer held out is held
    /// out on every channel.
    public let broadcastID: Int?

    public init(percent: Int, broadcastID: Int? = nil) {
        self.percent = min(max(percent, Self.range.lowerBound), Self.range.upperBound)
        self.broadcastID = broadcastID
    }

    /// What the draw hashes with the customer id: the campaign id, or `b<broadcast id>`.
    public func key(campaignID: Int) -> String {
        broadcastID.map { "b\($0)" } ?? String(campaignID)
    }

    /// The customer's bucket, 0–99.
    public static func bucket(campaignID: Int, customerID: Int) -> Int {
        bucket(key: String(campaignID), customerID: customerID)
    }

    /// The customer's bucket for a draw keyed by `key` (``key(campaignID:)``), 0–99.
    public static func bucket(key: String, customerID: Int) -> Int {
        Int(CRC32.checksum(Array("\(key):\(customerID)".utf8)) % 100)
    }

    public func holdsOut(campaignID: Int, customerID: Int) -> Bool {
        percent > 0 && Self.bucket(key: key(campaignID: campaignID), customerID: customerID) < percent
    }
}

/// CRC-32 with the IEEE polynomial (zlib's, MariaDB's `CRC32()`).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
