import Campaigns
import Foundation

/// A campaign's `recurrence`: parsing never crashes, a parsed expression parses again from its
/// own source to the same schedule, and its next runs move forward on whole minutes.
enum CronTarget {
    private static let zones = ["UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]
        .compactMap { TimeZone(identifier: $0) }
    /// 2026-03-08 06:59:30 UTC: just before the United States' spring-forward gap.
    private static let start = Date(timeIntervalSince1970: 1_772_953_170)

    static func run(_ input: FuzzInput) {
        let text = input.text
        guard let expression = try? CronExpression(parsing: text) else { return }
        let again = try? CronExpression(parsing: expression.source)
        require(again == expression, "'\(expression.source)' does not parse to the same expression")

        let zone = zones[input.bytes.count % zones.count]
        guard let next = expression.nextDate(after: start, timeZone: zone) else { return }
        require(next > start, "next run \(next) of '\(text)' is not after \(start)")
        require(next.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0, "next run \(next) is not on a minute")
        if let later = expression.nextDate(after: next, timeZone: zone) {
            require(later > next, "the run after \(next) of '\(text)' is \(later)")
        }
    }
}
