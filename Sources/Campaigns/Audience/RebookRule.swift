import Foundation

/// The parameters of the `rebook_due` segment (DESIGN §19) with their ranges and defaults.
///
/// A customer is due when their last past active visit plus `factor` × their interval (their own
/// median gap with at least `minVisits` past visits, else the median gap of their last visit's
/// service over the tenant) has passed, for `windowDays` days.
public struct RebookRule: Sendable, Hashable {
    public static let factorRange: ClosedRange<Double> = 0.5...3
    public static let windowDaysRange: ClosedRange<Int> = 1...90
    public static let minVisitsRange: ClosedRange<Int> = 2...10
    public static let defaultFactor = 1.0
    public static let defaultWindowDays = 7
    public static let defaultMinVisits = 3
    /// The gaps a service needs in the tenant before its median stands in for a customer's own.
    public static let minServiceGaps = 5

    public var factor: Double
    public var windowDays: Int
    public var minVisits: Int

    public init(factor: Double = defaultFactor, windowDays: Int = defaultWindowDays, minVisits: Int = defaultMinVisits) {
        self.factor = factor
        self.windowDays = windowDays
        self.minVisits = minVisits
    }
}
