import Campaigns

/// Counts of one batch, tick or round.
public struct SendCounts: Sendable, Hashable {
    public var sent = 0
    public var failed = 0
    public var retrying = 0
    public var skipped = 0
    public var held = 0

    public init() {}

    public static func + (lhs: SendCounts, rhs: SendCounts) -> SendCounts {
        var sum = lhs
        sum.sent += rhs.sent
        sum.failed += rhs.failed
        sum.retrying += rhs.retrying
        sum.skipped += rhs.skipped
        sum.held += rhs.held
        return sum
    }
}
