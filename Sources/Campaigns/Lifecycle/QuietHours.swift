import Foundation

/// The allowed sending window in the recipient's local time (DESIGN §6): messages are held
/// outside it. `start` after `end` wraps past midnight; 00:00–24:00 never holds.
public struct QuietHours: Sendable, Hashable, Codable {
    /// Minutes after local midnight, 0…1439 for start and 0…1440 for end.
    public let start: Int
    public let end: Int

    public init?(start: Int, end: Int) {
        guard (0..<1440).contains(start), (0...1440).contains(end) else { return nil }
        self.start = start
        self.end = end
    }

    /// Parses `HH:MM-HH:MM` (`BKNTC_QUIET_HOURS`), or the two `HH:MM` halves.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        self.init(start: String(parts[0]), end: String(parts[1]))
    }

    public init?(start: String, end: String) {
        guard let from = Self.minutes(start), let to = Self.minutes(end) else { return nil }
        self.init(start: from, end: to)
    }

    /// The default window, 08:00–21:00.
    public static let standard = QuietHours(start: 8 * 60, end: 21 * 60)!

    /// Whether sending is always allowed.
    public var neverHolds: Bool { start == end || (start == 0 && end == 1440) }

    public var startText: String { Self.text(start) }
    public var endText: String { Self.text(end) }

    /// Whether `minute` (after local midnight) is inside the window.
    public func allows(minute: Int) -> Bool {
        if neverHolds { return true }
        if start < end { return minute >= start && minute < end }
        return minute >= start || minute < end  // wraps past midnight
    }

    /// nil when `date` is inside the window in `zone`; otherwise the next opening, to the second.
    public func nextOpening(after date: Date, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        if allows(minute: minute) { return nil }
        // The opening is today at `start` if that is still ahead, else tomorrow at `start`.
        let midnight = calendar.startOfDay(for: date)
        for dayOffset in 0...2 {
            guard let day = calendar.date(byAdding: .day, value: dayOffset, to: midnight),
                let opening = calendar.date(bySettingHour: start / 60, minute: start % 60, second: 0, of: day)
            else { continue }
            if opening > date { return opening }
        }
        return nil
    }

    /// Minutes after midnight of `HH:MM` (00:00–24:00), or nil.
    public static func minutes(_ text: String) -> Int? {
        // Exactly "HH:MM" in ASCII digits ("08::30" and "+8:30" are not times).
        let bytes = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        let digit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"), digit(bytes[0]), digit(bytes[1]), digit(bytes[3]), digit(bytes[4]) else {
            return nil
        }
        let value = { (index: Int) in Int(bytes[index] - UInt8(ascii: "0")) }
        let hour = value(0) * 10 + value(1)
        let minute = value(3) * 10 + value(4)
        guard minute < 60, hour * 60 + minute <= 1440 else { return nil }
        return hour * 60 + minute
    }

    static func text(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
}

/// Reads the time zones Booknetic and WordPress store: IANA names (`Asia/Tokyo`) and fixed
/// offsets (`+09:00`, `-05:30`, `UTC+2`, WordPress' `gmt_offset` as hours).
public enum TimeZoneName {
    public static func parse(_ raw: String?) -> TimeZone? {
        guard let text = raw?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        // Only what an IANA name can hold goes to Foundation (fuzzing found "UTC+05:/0" trapping it).
        if text.contains("/"), text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_+-".contains($0)) }),
            let zone = TimeZone(identifier: text)
        {
            return zone
        }
        if text == "UTC" || text == "GMT" { return TimeZone(secondsFromGMT: 0) }
        var offset = Substring(text)
        if offset.hasPrefix("UTC") || offset.hasPrefix("GMT") { offset = offset.dropFirst(3) }
        guard let sign = offset.first, sign == "+" || sign == "-" else { return nil }
        let parts = offset.dropFirst().split(separator: ":")
        guard (1...2).contains(parts.count), let hours = Int(parts[0]), (0...14).contains(hours) else { return nil }
        let minutes = parts.count == 2 ? Int(parts[1]) ?? -1 : 0
        guard (0..<60).contains(minutes) else { return nil }
        let seconds = (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
        return TimeZone(secondsFromGMT: seconds)
    }

    /// WordPress' `gmt_offset` option: hours, possibly fractional ("5.5", "-3").
    public static func gmtOffset(_ raw: String?) -> TimeZone? {
        guard let text = raw?.trimmingCharacters(in: .whitespaces), let hours = Double(text), abs(hours) <= 14 else { return nil }
        return TimeZone(secondsFromGMT: Int((hours * 3600).rounded()))
    }
}
