import Foundation

/// Why a cron expression could not be parsed.
public enum CronExpressionError: Error, Sendable, Hashable {
    /// The expression does not have exactly 5 whitespace-separated fields; carries the count found.
    case wrongFieldCount(Int)
    /// A field (`name` is e.g. "minute" or "day-of-week") has invalid syntax.
    case invalidField(name: String, value: String)
    /// A field contains a value outside its allowed range.
    case valueOutOfRange(name: String, value: String, min: Int, max: Int)

    /// The name of the offending field, when the error concerns one field.
    public var field: String? {
        switch self {
        case .wrongFieldCount:
            return nil
        case .invalidField(let name, _), .valueOutOfRange(let name, _, _, _):
            return name
        }
    }

    /// A message suitable for showing to a user.
    public var message: String {
        switch self {
        case .wrongFieldCount(let count):
            return "A cron expression needs exactly 5 fields (minute hour day-of-month month day-of-week), "
                + "but \(count) \(count == 1 ? "was" : "were") given."
        case .invalidField(let name, let value):
            return "The \(name) field \"\(value)\" is not valid. Use *, a number, a range (a-b), "
                + "a step (*/n, a-b/n, a/n) or a comma-separated list of these."
        case .valueOutOfRange(let name, let value, let min, let max):
            return "The \(name) field contains \"\(value)\", which is outside the allowed range \(min)-\(max)."
        }
    }
}

/// A standard 5-field cron expression: `minute hour day-of-month month day-of-week`.
///
/// Fields accept `*`, `*/n`, `a`, `a-b`, `a-b/n`, `a/n` (from `a` to the maximum) and
/// comma-separated lists of these. Months accept `JAN`–`DEC` and days of week `SUN`–`SAT`
/// (case-insensitive); day-of-week 0 and 7 both mean Sunday.
///
/// As in Vixie cron, when both day-of-month and day-of-week are restricted (their field does
/// not start with `*`), a day matches when EITHER matches; otherwise both must match.
public struct CronExpression: Sendable, Hashable {
    /// The expression as given (with surrounding whitespace trimmed).
    public let source: String

    private let minutes: UInt64
    private let hours: UInt64
    private let daysOfMonth: UInt64
    private let months: UInt64
    private let daysOfWeek: UInt64
    private let dayOfMonthIsStar: Bool
    private let dayOfWeekIsStar: Bool

    /// The expression a stored `recurrence` column holds: `nil` for NULL or an empty value.
    /// The service stores only expressions it parsed, so one that no longer parses is an
    /// error, never an automation that silently stops.
    public init?(stored text: String?) throws(CronExpressionError) {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        try self.init(parsing: text)
    }

    /// Parses a 5-field cron expression.
    public init(parsing expression: String) throws(CronExpressionError) {
        let fields = expression.split(whereSeparator: { $0 == " " || $0 == "\t" || $0.isNewline }).map(String.init)
        guard fields.count == 5 else {
            throw .wrongFieldCount(fields.count)
        }
        self.source = expression.trimmingCharacters(in: .whitespacesAndNewlines)
        self.minutes = try Self.parseField(fields[0], spec: .minute)
        self.hours = try Self.parseField(fields[1], spec: .hour)
        self.daysOfMonth = try Self.parseField(fields[2], spec: .dayOfMonth)
        self.months = try Self.parseField(fields[3], spec: .month)
        var dow = try Self.parseField(fields[4], spec: .dayOfWeek)
        if dow & (1 << 7) != 0 {
            dow = (dow & ~(1 << 7)) | 1
        }
        self.daysOfWeek = dow
        self.dayOfMonthIsStar = fields[2].hasPrefix("*")
        self.dayOfWeekIsStar = fields[4].hasPrefix("*")
    }

    /// The first matching minute strictly after `date`, evaluated in `timeZone`, searching about
    /// 5 years ahead; `nil` when nothing matches in that window (e.g. `0 0 31 2 *`).
    ///
    /// Local times that do not exist in `timeZone` (skipped by a daylight-saving change) are
    /// skipped; a repeated local time matches its first occurrence only.
    public func nextDate(after date: Date, timeZone: TimeZone = TimeZone(secondsFromGMT: 0)!) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        guard var year = start.year, var month = start.month, var day = start.day,
            let startHour = start.hour, let startMinute = start.minute
        else { return nil }

        let hourList = Self.members(hours, upTo: 23)
        let minuteList = Self.members(minutes, upTo: 59)
        let lastYear = year + 5
        var isFirstDay = true

        while year <= lastYear {
            if months & (1 << UInt64(month)) != 0, dayMatches(year: year, month: month, day: day) {
                for hour in hourList where !isFirstDay || hour >= startHour {
                    for minute in minuteList where !isFirstDay || hour > startHour || minute >= startMinute {
                        let components = DateComponents(
                            year: year, month: month, day: day, hour: hour, minute: minute, second: 0)
                        guard let candidate = calendar.date(from: components), candidate > date else { continue }
                        let check = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: candidate)
                        guard check.year == year, check.month == month, check.day == day,
                            check.hour == hour, check.minute == minute
                        else { continue }  // nonexistent local time (DST gap)
                        return candidate
                    }
                }
            }
            isFirstDay = false
            day += 1
            if day > Self.daysIn(month: month, year: year) {
                day = 1
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
        }
        return nil
    }

    // MARK: - Matching

    private func dayMatches(year: Int, month: Int, day: Int) -> Bool {
        let domMatch = daysOfMonth & (1 << UInt64(day)) != 0
        let dowMatch = daysOfWeek & (1 << UInt64(Self.weekday(year: year, month: month, day: day))) != 0
        if dayOfMonthIsStar || dayOfWeekIsStar {
            return domMatch && dowMatch
        }
        return domMatch || dowMatch
    }

    private static func members(_ mask: UInt64, upTo max: Int) -> [Int] {
        (0...max).filter { mask & (1 << UInt64($0)) != 0 }
    }

    private static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Day of week of a Gregorian date, 0 = Sunday (Sakamoto's method).
    static func weekday(year: Int, month: Int, day: Int) -> Int {
        let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let y = month < 3 ? year - 1 : year
        let value = (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7
        return (value + 7) % 7
    }

    // MARK: - Parsing

    private struct FieldSpec {
        let name: String
        let min: Int
        let max: Int
        let names: [String]  // names[i] is the value min + i

        static let minute = FieldSpec(name: "minute", min: 0, max: 59, names: [])
        static let hour = FieldSpec(name: "hour", min: 0, max: 23, names: [])
        static let dayOfMonth = FieldSpec(name: "day-of-month", min: 1, max: 31, names: [])
        static let month = FieldSpec(
            name: "month", min: 1, max: 12,
            names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"])
        static let dayOfWeek = FieldSpec(
            name: "day-of-week", min: 0, max: 7,
            names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])
    }

    private static func parseField(_ field: String, spec: FieldSpec) throws(CronExpressionError) -> UInt64 {
        var mask: UInt64 = 0
        let items = field.split(separator: ",", omittingEmptySubsequences: false)
        for item in items {
            let invalid = CronExpressionError.invalidField(name: spec.name, value: field)
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 1 || parts.count == 2 else { throw invalid }

            var step = 1
            if parts.count == 2 {
                guard let parsed = number(parts[1]), parsed >= 1 else { throw invalid }
                step = parsed
            }

            let low: Int
            let high: Int
            let base = parts[0]
            if base == "*" {
                low = spec.min
                high = spec.max
            } else {
                let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count == 1 || bounds.count == 2 else { throw invalid }
                low = try value(bounds[0], spec: spec, field: field)
                if bounds.count == 2 {
                    high = try value(bounds[1], spec: spec, field: field)
                    guard low <= high else { throw invalid }
                } else {
                    high = parts.count == 2 ? spec.max : low
                }
            }

            var current = low
            while current <= high {
                mask |= 1 << UInt64(current)
                current += step
            }
        }
        return mask
    }

    private static func value(_ text: Substring, spec: FieldSpec, field: String) throws(CronExpressionError) -> Int {
        if let parsed = number(text) {
            guard (spec.min...spec.max).contains(parsed) else {
                throw .valueOutOfRange(name: spec.name, value: String(text), min: spec.min, max: spec.max)
            }
            return parsed
        }
        if let index = spec.names.firstIndex(of: text.uppercased()) {
            return spec.min + index
        }
        throw .invalidField(name: spec.name, value: field)
    }

    /// A non-negative decimal number made of ASCII digits only.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.unicodeScalars.allSatisfy({ (0x30...0x39).contains($0.value) })
        else { return nil }
        return Int(text)
    }
}
