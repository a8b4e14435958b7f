import Foundation

/// The calendar days a `birthday` segment looks at (DESIGN §5): `days` + 1 days starting today
/// in the tenant's time zone. A birthday on 29 February counts on 28 February in common years.
///
/// Birthdates are read as installs store them: a DATE, `Y-m-d` text (optionally with a time or
/// single-digit month and day), empty, NULL or `0000-00-00`. Anything else, and any date that
/// does not exist (31 April, 29 February of a common year), is no birthday.
public struct BirthdayWindow: Sendable, Hashable {
    /// The window's month-days as `month-day` without leading zeros (`"2-29"`, `"12-31"`), the
    /// form the SQL derives from a stored birthdate; `2-29` is included on 28 February of a
    /// common year.
    public let monthDays: [String]

    /// The window of `days` + 1 calendar days starting on the day of `now` in `timeZone`.
    public init(now: Date, days: Int, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        var keys: [String] = []
        for offset in 0...max(0, days) {
            guard let day = calendar.date(byAdding: .day, value: offset, to: today) else { continue }
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            guard let year = parts.year, let month = parts.month, let dayOfMonth = parts.day else { continue }
            Self.append("\(month)-\(dayOfMonth)", to: &keys)
            if month == 2, dayOfMonth == 28, !Self.isLeapYear(year) { Self.append("2-29", to: &keys) }
        }
        monthDays = keys
    }

    /// Whether a stored birthdate falls in the window (the plain-Swift reading of the SQL).
    public func contains(birthdate: String?) -> Bool {
        guard let key = Self.monthDay(of: birthdate) else { return false }
        return monthDays.contains(key)
    }

    /// The `month-day` of a stored birthdate, or nil when it is none or not a real date.
    public static func monthDay(of birthdate: String?) -> String? {
        guard let birthdate else { return nil }
        let asciiSpace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0C, 0x0B]
        let bytes = Array(birthdate.utf8.drop { asciiSpace.contains($0) })
        // [year 4 digits] - [month 1–2 digits] - [day 1–2 digits], then the end or a non-digit.
        var index = 0
        func number(maxDigits: Int, minDigits: Int) -> Int? {
            var value = 0
            var count = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                value = value * 10 + Int(bytes[index] - 0x30)
                count += 1
                index += 1
            }
            return (minDigits...maxDigits).contains(count) ? value : nil
        }
        func dash() -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "-") else { return false }
            index += 1
            return true
        }
        guard let year = number(maxDigits: 4, minDigits: 4), dash(), let month = number(maxDigits: 2, minDigits: 1), dash(),
            let day = number(maxDigits: 2, minDigits: 1)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        return "\(month)-\(day)"
    }

    /// Days in a month of the proleptic Gregorian calendar.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func isLeapYear(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func append(_ key: String, to keys: inout [String]) {
        if !keys.contains(key) { keys.append(key) }
    }
}
