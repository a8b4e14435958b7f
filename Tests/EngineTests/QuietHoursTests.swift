import Campaigns
import Foundation
import Testing

@Suite("Quiet hours and time zones (values)")
struct QuietHoursTests {
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func theWindowOpensAtTheRightSecondInEachZone() throws {
        let window = QuietHours.standard
        let tokyo = try #require(TimeZone(identifier: "Asia/Tokyo"))
        let angeles = try #require(TimeZone(identifier: "America/Los_Angeles"))
        let now = Self.date("2026-06-01T15:00:00Z")
        #expect(window.nextOpening(after: now, in: tokyo) == Self.date("2026-06-01T23:00:00Z"))
        #expect(window.nextOpening(after: now, in: angeles) == nil)
        // 21:00 local is already closed; it opens at 08:00 the next day.
        #expect(window.nextOpening(after: Self.date("2026-06-02T04:00:00Z"), in: angeles) == Self.date("2026-06-02T15:00:00Z"))
        // Across the DST change in London (29 March 2026): 08:00 BST is 07:00 UTC.
        let london = try #require(TimeZone(identifier: "Europe/London"))
        #expect(window.nextOpening(after: Self.date("2026-03-29T02:00:00Z"), in: london) == Self.date("2026-03-29T07:00:00Z"))
    }

    @Test func windowsWrapAndCanBeOff() throws {
        let night = try #require(QuietHours(parsing: "22:00-06:00"))
        #expect(night.allows(minute: 23 * 60) && night.allows(minute: 5 * 60) && !night.allows(minute: 12 * 60))
        #expect(try #require(QuietHours(parsing: "00:00-24:00")).neverHolds)
        #expect(QuietHours(parsing: "8-21") == nil && QuietHours(parsing: "25:00-26:00") == nil)
        let utc = TimeZone(secondsFromGMT: 0)!
        #expect(night.nextOpening(after: Self.date("2026-06-01T12:00:00Z"), in: utc) == Self.date("2026-06-01T22:00:00Z"))
    }

    @Test(arguments: ["08::30", "+8:30", "8:30", "08:3", "08:300", "0８:30", "08-30", "24:01", "08:60", ":08:30", " 08 :30"])
    func onlyTwoDigitsColonTwoDigitsIsATime(text: String) {
        #expect(QuietHours.minutes(text) == nil, "\(text)")
    }

    @Test func timesReadAsMinutesOfTheDay() {
        #expect(QuietHours.minutes("08:30") == 510 && QuietHours.minutes(" 21:05 ") == 1265)
        #expect(QuietHours.minutes("00:00") == 0 && QuietHours.minutes("24:00") == 1440)
    }

    @Test func timeZonesAsBookneticAndWordPressStoreThem() {
        #expect(TimeZoneName.parse("Asia/Tokyo")?.identifier == "Asia/Tokyo")
        #expect(TimeZoneName.parse("+09:00")?.secondsFromGMT() == 9 * 3600)
        #expect(TimeZoneName.parse("-05:30")?.secondsFromGMT() == -(5 * 3600 + 1800))
        #expect(TimeZoneName.parse("UTC+2")?.secondsFromGMT() == 7200)
        #expect(TimeZoneName.parse("Mars/Olympus") == nil && TimeZoneName.parse("") == nil && TimeZoneName.parse("+99:00") == nil)
        #expect(TimeZoneName.gmtOffset("5.5")?.secondsFromGMT() == 19_800)
        #expect(TimeZoneName.gmtOffset("-3")?.secondsFromGMT() == -10_800)
    }

    @Test func recurrenceIsDSTCorrectAndHandlesMonthEnds() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        let nine = try CronExpression(parsing: "0 9 * * *")
        // Before and after the US change on 8 March 2026: 09:00 EST = 14:00Z, 09:00 EDT = 13:00Z.
        #expect(nine.nextDate(after: Self.date("2026-03-07T15:00:00Z"), timeZone: newYork) == Self.date("2026-03-08T13:00:00Z"))
        #expect(nine.nextDate(after: Self.date("2026-03-06T15:00:00Z"), timeZone: newYork) == Self.date("2026-03-07T14:00:00Z"))
        let monthEnd = try CronExpression(parsing: "0 10 31 * *")
        #expect(monthEnd.nextDate(after: Self.date("2026-04-01T00:00:00Z")) == Self.date("2026-05-31T10:00:00Z"))
        let london = try #require(TimeZone(identifier: "Europe/London"))
        // 01:30 does not exist in London on 29 March 2026: that day is skipped.
        let early = try CronExpression(parsing: "30 1 * * *")
        #expect(early.nextDate(after: Self.date("2026-03-28T02:00:00Z"), timeZone: london) == Self.date("2026-03-30T00:30:00Z"))
    }

    /// Found by Scripts/fuzz (settings): a text with a slash that is no IANA name trapped Foundation.
    @Test func malformedZoneTextsAreRefusedNotTrapped() {
        #expect(TimeZoneName.parse("UTC+05:/0") == nil)
        #expect(TimeZoneName.parse("Europe/Lon:don") == nil)
        #expect(TimeZoneName.parse("Europe/London")?.identifier == "Europe/London")
        #expect(TimeZoneName.parse("UTC+05:30")?.secondsFromGMT() == 19_800)
    }
}
