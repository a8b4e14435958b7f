import Foundation
import SQL

/// `birthday` (DESIGN §5): the customer's stored birthdate falls in the tenant's window of days.
extension AudienceCompiler {
    /// A well-formed `Y-m-d…` birthdate (checked first: REGEXP_REPLACE leaves other text as it is).
    static let birthdateShape = "(?s)^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([^0-9].*)?$"
    /// Extracts `month-day` without leading zeros from a well-formed birthdate.
    static let birthdateMonthDay = "(?s)^[0-9]{4}-0?([0-9]{1,2})-0?([0-9]{1,2}).*$"
    /// `month-day` from `birthdateMonthDay`'s groups (a bound value, like every pattern).
    static let birthdateMonthDayReplacement = "\\1-\\2"

    /// The customer's birthday falls on one of the window's days (`n0.birthdate`, trimmed).
    /// Dates that do not exist never match: the window lists real days only, and 29 February
    /// also needs a leap year of birth.
    func birthdayCondition(_ audience: AudienceDefinition, now: Int) -> SQLQuery {
        let window = BirthdayWindow(
            now: Date(timeIntervalSince1970: TimeInterval(now)), days: audience.segment.effectiveDays ?? 0,
            timeZone: audience.timeZone)
        let monthDay: SQLQuery = "REGEXP_REPLACE(n0.birthdate, \(Self.birthdateMonthDay), \(Self.birthdateMonthDayReplacement))"
        var q: SQLQuery = "n0.birthdate REGEXP \(Self.birthdateShape) AND \(monthDay) IN (\(list: window.monthDays))"
        if window.monthDays.contains("2-29") {
            q.append(" AND (\(monthDay) <> '2-29' OR (CAST(LEFT(n0.birthdate, 4) AS UNSIGNED) % 4 = 0")
            q.append(" AND (CAST(LEFT(n0.birthdate, 4) AS UNSIGNED) % 100 <> 0 OR CAST(LEFT(n0.birthdate, 4) AS UNSIGNED) % 400 = 0)))")
        }
        return q
    }
}
