import Foundation

/// The day a test send counts in: from the tenant's local midnight to the next.
public struct TestSendDay: Sendable, Hashable {
    public let start: Date
    public let end: Date

    public init(containing now: Date, in zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let interval = calendar.dateInterval(of: .day, for: now) ?? DateInterval(start: now, duration: 86_400)
        start = interval.start
        end = interval.end
    }

    /// Whole seconds until the next day begins (at least 1), for `Retry-After`.
    public func secondsLeft(at now: Date) -> Int { max(1, Int(end.timeIntervalSince(now).rounded(.up))) }
}
