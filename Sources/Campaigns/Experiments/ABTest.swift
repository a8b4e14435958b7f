import Foundation

/// One message of an A/B test (DESIGN §19): a name unique within the campaign, its body and,
/// for email, its subject.
public struct ABVariant: Sendable, Hashable, Codable {
    public var name: String
    public var body: String
    public var subject: String?

    public init(name: String, body: String, subject: String? = nil) {
        self.name = name
        self.body = body
        self.subject = subject
    }
}

/// What an A/B test's winner is judged by, per messaged customer (DESIGN §19).
public enum ABMetric: String, Sendable, Hashable, Codable, CaseIterable {
    case bookings, revenue, clicks
}

/// How an A/B test runs (DESIGN §19): the share of the audience that tests the variants, the
/// metric, and how long after the snapshot the winner is chosen.
public struct ABTestSettings: Sendable, Hashable, Codable {
    public static let testPercentRange = 5...100
    public static let decideAfterHoursRange = 0.01...720.0
    public static let variantCount = 2...4

    public var testPercent: Int
    public var metric: ABMetric
    public var decideAfterHours: Double

    public init(testPercent: Int = 20, metric: ABMetric = .bookings, decideAfterHours: Double = 24) {
        self.testPercent = testPercent
        self.metric = metric
        self.decideAfterHours = decideAfterHours
    }

    /// When the winner is chosen for a test whose snapshot was taken at `snapshot`.
    public func decisionTime(after snapshot: Date) -> Date {
        snapshot.addingTimeInterval((decideAfterHours * 3600).rounded())
    }
}

/// What one variant brought back, for the decision and the results (DESIGN §19).
public struct VariantOutcome: Sendable, Hashable {
    public var name: String
    /// Customers whose row of this variant was sent or delivered.
    public var messaged: Int
    public var bookedCustomers: Int
    public var bookings: Int
    public var revenue: Double
    public var clicked: Int

    public init(name: String, messaged: Int, bookedCustomers: Int = 0, bookings: Int = 0, revenue: Double = 0, clicked: Int = 0) {
        self.name = name
        self.messaged = messaged
        self.bookedCustomers = bookedCustomers
        self.bookings = bookings
        self.revenue = revenue
        self.clicked = clicked
    }

    /// The metric per messaged customer (0 when nobody was messaged).
    public func score(_ metric: ABMetric) -> Double {
        guard messaged > 0 else { return 0 }
        let total: Double =
            switch metric {
            case .bookings: Double(bookings)
            case .revenue: revenue
            case .clicks: Double(clicked)
            }
        return total / Double(messaged)
    }

    /// `booked_customers / messaged` (0 when nobody was messaged).
    public var conversionRate: Double { messaged > 0 ? Double(bookedCustomers) / Double(messaged) : 0 }
}

/// The winner of an A/B test (DESIGN §19): the variant with the highest metric per messaged
/// customer; a tie goes to the earlier variant.
public enum ABDecision {
    public static func winner(_ outcomes: [VariantOutcome], by metric: ABMetric) -> String? {
        var best: VariantOutcome?
        for outcome in outcomes where best.map({ outcome.score(metric) > $0.score(metric) }) ?? true {
            best = outcome
        }
        return best?.name
    }
}
