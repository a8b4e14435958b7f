import Foundation

/// The calendar days a `birthday` segment looks at (DESIGN §5): `days` + 1 days starting today
/// in the tenant's time zone. A birthday on 29 February counts on 28 February in common years.
///
/// The audience compiler matches stored birthdates against `monthDays` in SQL, reading them as
/// installs store them: a DATE, `Y-m-d` text (optionally with a time or single-digit month and
/// day), empty, NULL or `0000-00-00`. Anything else, and any date that does not exist (31 April,
/// 29 February of a common year), is no birthday.
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

    static func isLeapYear(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func append(_ key: String, to keys: inout [String]) {
        if !keys.contains(key) { keys.append(key) }
    }
}
