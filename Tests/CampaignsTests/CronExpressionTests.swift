import Foundation
import Testing

@testable import Campaigns

/// An invalid expression and the error it must produce.
struct InvalidCronCase: Sendable, CustomTestStringConvertible {
    let expression: String
    let error: CronExpressionError

    init(_ expression: String, _ error: CronExpressionError) {
        self.expression = expression
        self.error = error
    }

    var testDescription: String { String(reflecting: expression) }
}

/// An expression, a start instant (UTC) and the expected next run (UTC), or nil.
struct NextDateCase: Sendable, CustomTestStringConvertible {
    let expression: String
    let after: String
    let expected: String?

    init(_ expression: String, after: String, _ expected: String?) {
        self.expression = expression
        self.after = after
        self.expected = expected
    }

    var testDescription: String { "\(expression) after \(after) → \(expected ?? "nil")" }
}

/// Parses "yyyy-MM-dd HH:mm" or "yyyy-MM-dd HH:mm:ss" in `timeZone`.
private func date(_ text: String, timeZone: TimeZone = TimeZone(secondsFromGMT: 0)!) -> Date {
    let numbers = text.split(whereSeparator: { !$0.isNumber }).map { Int($0)! }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let components = DateComponents(
        year: numbers[0], month: numbers[1], day: numbers[2], hour: numbers[3], minute: numbers[4],
        second: numbers.count > 5 ? numbers[5] : 0)
    return calendar.date(from: components)!
}

@Suite("CronExpression")
struct CronExpressionTests {
    static let validExpressions = [
        "* * * * *",
        "*/15 * * * *",
        "0 9 * * MON-FRI",
        "0 9 * * mon-fri",
        "0 0 1 jan,Jul *",
        "0 0 1 JAN-DEC/3 *",
        "0 0 * * 7",
        "0 0 * * 0-7",
        "5,10,15-20,30-59/10 0-23/2 1-31 1-12 0-6",
        "10/20 * * * *",
        "0\t0  *   *\t*",
        "  0 0 * * *  ",
        "59 23 31 12 SUN,sat",
    ]

    static let invalidExpressions: [InvalidCronCase] = [
        InvalidCronCase("", .wrongFieldCount(0)),
        InvalidCronCase("   ", .wrongFieldCount(0)),
        InvalidCronCase("* * * *", .wrongFieldCount(4)),
        InvalidCronCase("* * * * * *", .wrongFieldCount(6)),
        InvalidCronCase("60 * * * *", .valueOutOfRange(name: "minute", value: "60", min: 0, max: 59)),
        InvalidCronCase("* 24 * * *", .valueOutOfRange(name: "hour", value: "24", min: 0, max: 23)),
        InvalidCronCase("* * 0 * *", .valueOutOfRange(name: "day-of-month", value: "0", min: 1, max: 31)),
        InvalidCronCase("* * 32 * *", .valueOutOfRange(name: "day-of-month", value: "32", min: 1, max: 31)),
        InvalidCronCase("* * * 13 *", .valueOutOfRange(name: "month", value: "13", min: 1, max: 12)),
        InvalidCronCase("* * * 0 *", .valueOutOfRange(name: "month", value: "0", min: 1, max: 12)),
        InvalidCronCase("* * * * 8", .valueOutOfRange(name: "day-of-week", value: "8", min: 0, max: 7)),
        InvalidCronCase("* * * FOO *", .invalidField(name: "month", value: "FOO")),
        InvalidCronCase("* * * * MON-FOO", .invalidField(name: "day-of-week", value: "MON-FOO")),
        InvalidCronCase("* * * * JAN", .invalidField(name: "day-of-week", value: "JAN")),
        InvalidCronCase("* * MON * *", .invalidField(name: "day-of-month", value: "MON")),
        InvalidCronCase("*/0 * * * *", .invalidField(name: "minute", value: "*/0")),
        InvalidCronCase("*/ * * * *", .invalidField(name: "minute", value: "*/")),
        InvalidCronCase("1/2/3 * * * *", .invalidField(name: "minute", value: "1/2/3")),
        InvalidCronCase("5-1 * * * *", .invalidField(name: "minute", value: "5-1")),
        InvalidCronCase("1-2-3 * * * *", .invalidField(name: "minute", value: "1-2-3")),
        InvalidCronCase("1,,2 * * * *", .invalidField(name: "minute", value: "1,,2")),
        InvalidCronCase("1, * * * *", .invalidField(name: "minute", value: "1,")),
        InvalidCronCase("-1 * * * *", .invalidField(name: "minute", value: "-1")),
        InvalidCronCase("a * * * *", .invalidField(name: "minute", value: "a")),
        InvalidCronCase("* ** * * *", .invalidField(name: "hour", value: "**")),
        InvalidCronCase("* 1.5 * * *", .invalidField(name: "hour", value: "1.5")),
        InvalidCronCase("* * * * */x", .invalidField(name: "day-of-week", value: "*/x")),
    ]

    static let nextDateCases: [NextDateCase] = [
        NextDateCase("* * * * *", after: "2024-01-01 10:07:30", "2024-01-01 10:08"),
        NextDateCase("*/15 * * * *", after: "2024-01-01 10:07:30", "2024-01-01 10:15"),
        NextDateCase("*/15 * * * *", after: "2024-01-01 10:14:59", "2024-01-01 10:15"),
        NextDateCase("*/15 * * * *", after: "2024-01-01 10:15", "2024-01-01 10:30"),
        NextDateCase("*/15 * * * *", after: "2024-01-01 23:59", "2024-01-02 00:00"),
        NextDateCase("5,10 * * * *", after: "2024-01-01 10:07", "2024-01-01 10:10"),
        NextDateCase("10/20 * * * *", after: "2024-01-01 10:31", "2024-01-01 10:50"),
        NextDateCase("10/20 * * * *", after: "2024-01-01 10:50", "2024-01-01 11:10"),
        NextDateCase("0 8-18/5 * * *", after: "2024-01-01 13:00", "2024-01-01 18:00"),
        NextDateCase("0 8-18/5 * * *", after: "2024-01-01 18:00", "2024-01-02 08:00"),
        // Exactly on a match: strictly after.
        NextDateCase("0 9 * * *", after: "2024-03-01 09:00", "2024-03-02 09:00"),
        // Friday 2024-03-01 → Monday 2024-03-04.
        NextDateCase("0 9 * * MON-FRI", after: "2024-03-01 10:00", "2024-03-04 09:00"),
        // Month rollover.
        NextDateCase("30 8 1 * *", after: "2024-01-31 12:00", "2024-02-01 08:30"),
        // Year rollover.
        NextDateCase("0 0 1 1 *", after: "2024-06-15 00:00", "2025-01-01 00:00"),
        // Skips months without a 31st.
        NextDateCase("0 0 31 * *", after: "2024-04-01 00:00", "2024-05-31 00:00"),
        // Month names and ranges.
        NextDateCase("0 0 1 JUN-AUG *", after: "2024-08-02 00:00", "2025-06-01 00:00"),
        // Leap day.
        NextDateCase("0 0 29 2 *", after: "2024-03-01 00:00", "2028-02-29 00:00"),
        // Sunday as 0, 7 and SUN (2024-09-02 is a Monday).
        NextDateCase("0 0 * * 0", after: "2024-09-02 00:00", "2024-09-08 00:00"),
        NextDateCase("0 0 * * 7", after: "2024-09-02 00:00", "2024-09-08 00:00"),
        NextDateCase("0 0 * * sun", after: "2024-09-02 00:00", "2024-09-08 00:00"),
        NextDateCase("0 0 * * 5-7", after: "2024-09-02 00:00", "2024-09-06 00:00"),
        // DOM and DOW both restricted: either matches (2024-09-13 is a Friday, 09-16 a Monday).
        NextDateCase("0 12 13 * MON", after: "2024-09-10 00:00", "2024-09-13 12:00"),
        NextDateCase("0 12 13 * MON", after: "2024-09-13 12:00", "2024-09-16 12:00"),
        NextDateCase("0 12 13 * FRI", after: "2024-09-01 00:00", "2024-09-06 12:00"),
        // DOW only restricted: both must match (Mondays).
        NextDateCase("0 12 * * MON", after: "2024-09-03 00:00", "2024-09-09 12:00"),
        // DOM field starting with "*" counts as unrestricted (Vixie): odd days AND Monday.
        NextDateCase("0 12 */2 * MON", after: "2024-09-01 00:00", "2024-09-09 12:00"),
        // Impossible dates.
        NextDateCase("0 0 31 2 *", after: "2024-01-01 00:00", nil),
        NextDateCase("0 0 30 2 *", after: "2024-01-01 00:00", nil),
        NextDateCase("0 0 31 4,6,9,11 *", after: "2024-01-01 00:00", nil),
    ]

    @Test(arguments: validExpressions)
    func parsesValidExpressions(_ expression: String) throws {
        let cron = try CronExpression(parsing: expression)
        #expect(cron.source == expression.trimmingCharacters(in: .whitespaces))
    }

    @Test(arguments: invalidExpressions)
    func rejectsInvalidExpressions(_ testCase: InvalidCronCase) {
        #expect(throws: testCase.error) {
            try CronExpression(parsing: testCase.expression)
        }
    }

    @Test(arguments: nextDateCases)
    func nextDate(_ testCase: NextDateCase) throws {
        let cron = try CronExpression(parsing: testCase.expression)
        #expect(cron.nextDate(after: date(testCase.after)) == testCase.expected.map { date($0) })
    }

    @Test func errorMessagesNameTheField() {
        let outOfRange = CronExpressionError.valueOutOfRange(name: "hour", value: "24", min: 0, max: 23)
        #expect(outOfRange.field == "hour")
        #expect(outOfRange.message == "The hour field contains \"24\", which is outside the allowed range 0-23.")

        let invalid = CronExpressionError.invalidField(name: "month", value: "FOO")
        #expect(invalid.field == "month")
        #expect(invalid.message.hasPrefix("The month field \"FOO\" is not valid."))

        let count = CronExpressionError.wrongFieldCount(6)
        #expect(count.field == nil)
        #expect(count.message.contains("exactly 5 fields"))
        #expect(count.message.contains("but 6 were given"))
    }

    @Test func equivalentSpellingsMatchTheSameDates() throws {
        let names = try CronExpression(parsing: "0 9 * jan-mar MON-FRI")
        let numbers = try CronExpression(parsing: "0 9 * 1-3 1-5")
        var current = date("2024-01-01 00:00")
        for _ in 0..<30 {
            let next = try #require(names.nextDate(after: current))
            #expect(numbers.nextDate(after: current) == next)
            current = next
        }
        #expect(current == date("2024-02-09 09:00"))
    }

    @Test func nextDateInTimeZone() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let cron = try CronExpression(parsing: "0 9 * * *")
        // 2024-01-15 08:30 UTC is 09:30 in Berlin (CET, UTC+1): next is 2024-01-16 09:00 CET.
        #expect(cron.nextDate(after: date("2024-01-15 08:30"), timeZone: berlin) == date("2024-01-16 08:00"))
        // Summer (CEST, UTC+2).
        #expect(cron.nextDate(after: date("2024-07-01 00:00"), timeZone: berlin) == date("2024-07-01 07:00"))
    }

    @Test func nonexistentLocalTimeIsSkipped() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        // 2024-03-31 02:30 does not exist in Berlin (clocks jump from 02:00 to 03:00).
        let cron = try CronExpression(parsing: "30 2 * * *")
        #expect(cron.nextDate(after: date("2024-03-30 12:00"), timeZone: berlin) == date("2024-04-01 00:30"))
    }

    @Test func weekdayComputation() {
        #expect(CronExpression.weekday(year: 2024, month: 1, day: 1) == 1)
        #expect(CronExpression.weekday(year: 2024, month: 9, day: 1) == 0)
        #expect(CronExpression.weekday(year: 2028, month: 2, day: 29) == 2)
        #expect(CronExpression.weekday(year: 2000, month: 3, day: 1) == 3)
    }

    @Test func hashableAndSource() throws {
        let a = try CronExpression(parsing: "0 9 * * 1")
        let b = try CronExpression(parsing: "0 9 * * 1")
        #expect(a == b)
        #expect(a.source == "0 9 * * 1")
        #expect(Set([a, b]).count == 1)
    }
}
