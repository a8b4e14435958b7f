import Campaigns
import Foundation

/// A campaign's results (DESIGN §12).
struct ResultsBody: Encodable {
    struct HoldoutBody: Encodable {
        let customers: Int
        let bookedCustomers: Int
        let conversionRate: Double
        let lift: Nullable<Double>
        let meaningful: Bool
        /// Why the comparison is not meaningful yet (nil once it is).
        let note: Nullable<String>
    }

    struct DayBody: Encodable {
        let date: String
        let bookings: Int
        let revenue: Double
    }

    /// One run: `run` and the figures of `ResultSummaryBody`, side by side.
    struct RunBody: Encodable {
        let run: Int
        let figures: ResultSummaryBody

        enum CodingKeys: String, CodingKey { case run }

        func encode(to encoder: any Encoder) throws {
            try figures.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(run, forKey: .run)
        }
    }

    let campaignId: Int
    let run: Nullable<Int>
    let attributionDays: Int
    let currency: Nullable<String>
    let timezone: String
    let messaged: Int
    let bookedCustomers: Int
    let bookings: Int
    let revenue: Double
    let conversionRate: Double
    let holdout: Nullable<HoldoutBody>
    let daily: [DayBody]
    let runs: [RunBody]
    /// Recipients who clicked a tracked link, and the bookings made after a click (DESIGN §18).
    let clicked: Int
    let direct: DirectBody

    struct DirectBody: Encodable {
        let bookings: Int
        let revenue: Double
    }

    init(_ results: CampaignResults) {
        clicked = results.clicked
        direct = DirectBody(bookings: results.total.directBookings, revenue: results.total.directRevenue)
        campaignId = results.campaignID
        run = Nullable(results.run)
        attributionDays = results.attributionDays
        currency = Nullable(results.currency)
        timezone = results.timeZone
        messaged = results.total.messaged
        bookedCustomers = results.total.bookedCustomers
        bookings = results.total.bookings
        revenue = results.total.revenue
        conversionRate = Self.rate(results.total.conversionRate)
        holdout = Nullable(
            results.holdout.map { holdout in
                HoldoutBody(
                    customers: holdout.customers, bookedCustomers: holdout.bookedCustomers,
                    conversionRate: Self.rate(holdout.conversionRate), lift: Nullable(holdout.lift.map(Self.rate)),
                    meaningful: holdout.meaningful,
                    note: Nullable(
                        holdout.meaningful
                            ? nil
                            : "not yet meaningful: each group needs at least \(HoldoutComparison.minimumGroup) customers "
                                + "(messaged \(holdout.messagedCustomers), held out \(holdout.customers))"))
            })
        daily = results.daily.map { DayBody(date: $0.date, bookings: $0.bookings, revenue: $0.revenue) }
        runs = results.runs.map { RunBody(run: $0.run, figures: ResultSummaryBody($0.figures)) }
    }

    /// Rates to 4 decimal places (0.1234 = 12.34 %).
    static func rate(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}

/// The results figures a campaign carries in lists and the dashboard.
struct ResultSummaryBody: Encodable {
    let messaged, bookedCustomers, bookings: Int
    let revenue: Double
    let conversionRate: Double

    init(_ figures: AttributionFigures) {
        messaged = figures.messaged
        bookedCustomers = figures.bookedCustomers
        bookings = figures.bookings
        revenue = figures.revenue
        conversionRate = ResultsBody.rate(figures.conversionRate)
    }
}
