import Foundation

/// What a set of messages brought back (DESIGN §12): bookings attributed to them by last touch.
public struct AttributionFigures: Sendable, Hashable {
    /// Customers sent (or delivered) a message.
    public var messaged: Int
    /// Of them, customers with at least one attributed booking.
    public var bookedCustomers: Int
    /// Attributed bookings (appointments not canceled or rejected).
    public var bookings: Int
    /// The booked services' price (the appointment's paid amount when the price is missing).
    public var revenue: Double
    /// Of the attributed bookings, those made after the customer's first click of the message
    /// they are attributed to (DESIGN §18), and their revenue; the rest are indirect.
    public var directBookings = 0
    public var directRevenue: Double = 0

    public init(messaged: Int = 0, bookedCustomers: Int = 0, bookings: Int = 0, revenue: Double = 0) {
        self.messaged = messaged
        self.bookedCustomers = bookedCustomers
        self.bookings = bookings
        self.revenue = revenue
    }

    /// booked customers ÷ messaged, 0–1 (0 when nobody was messaged).
    public var conversionRate: Double { messaged == 0 ? 0 : Double(bookedCustomers) / Double(messaged) }
}

/// The held-out group against the messaged one (DESIGN §12).
public struct HoldoutComparison: Sendable, Hashable {
    /// Customers held out (never messaged).
    public var customers: Int
    /// Of them, customers who booked within the attribution window after the snapshot anyway.
    public var bookedCustomers: Int
    /// The messaged group's conversion rate, which `lift` compares against.
    public var messagedRate: Double
    /// Customers in the messaged group.
    public var messagedCustomers: Int

    /// Below this many customers in either group the comparison says little.
    public static let minimumGroup = 30

    public init(customers: Int, bookedCustomers: Int, messagedRate: Double, messagedCustomers: Int) {
        self.customers = customers
        self.bookedCustomers = bookedCustomers
        self.messagedRate = messagedRate
        self.messagedCustomers = messagedCustomers
    }

    public var conversionRate: Double { customers == 0 ? 0 : Double(bookedCustomers) / Double(customers) }

    /// messaged rate ÷ holdout rate − 1; nil when the holdout rate is 0.
    public var lift: Double? { conversionRate == 0 ? nil : messagedRate / conversionRate - 1 }

    /// False while either group has fewer than `minimumGroup` customers.
    public var meaningful: Bool { customers >= Self.minimumGroup && messagedCustomers >= Self.minimumGroup }
}

/// Attributed bookings of one day in the tenant's time zone.
public struct DailyBookings: Sendable, Hashable {
    /// `YYYY-MM-DD`.
    public var date: String
    public var bookings: Int
    public var revenue: Double

    public init(date: String, bookings: Int, revenue: Double) {
        self.date = date
        self.bookings = bookings
        self.revenue = revenue
    }
}

/// One run of a (recurring) campaign.
public struct RunResults: Sendable, Hashable {
    public var run: Int
    public var figures: AttributionFigures

    public init(run: Int, figures: AttributionFigures) {
        self.run = run
        self.figures = figures
    }
}

/// A campaign's results (DESIGN §12), over all runs or one.
public struct CampaignResults: Sendable, Hashable {
    public var campaignID: Int
    /// The run these figures cover; nil = all runs.
    public var run: Int?
    public var attributionDays: Int
    /// Booknetic's `currency` setting (e.g. `USD`), nil when it has none.
    public var currency: String?
    public var timeZone: String
    public var total: AttributionFigures
    /// Per run, oldest first.
    public var runs: [RunResults]
    /// nil when the campaign holds nobody out.
    public var holdout: HoldoutComparison?
    /// From the first message's day to the end of the window (or today), oldest first.
    public var daily: [DailyBookings]
    /// Recipients who clicked a tracked link of their message (DESIGN §18).
    public var clicked = 0

    public init(
        campaignID: Int, run: Int?, attributionDays: Int, currency: String?, timeZone: String, total: AttributionFigures,
        runs: [RunResults], holdout: HoldoutComparison?, daily: [DailyBookings]
    ) {
        self.campaignID = campaignID
        self.run = run
        self.attributionDays = attributionDays
        self.currency = currency
        self.timeZone = timeZone
        self.total = total
        self.runs = runs
        self.holdout = holdout
        self.daily = daily
    }
}

/// The calendar days a results series covers, as epoch seconds of each day's start in the
/// tenant's time zone (DST-correct), for `INTERVAL()` bucketing in SQL.
public struct DaySeries: Sendable, Hashable {
    public let starts: [Int]
    public let dates: [String]

    /// Every day from the day of `from` through the day of `through`, at most `limit` days.
    public init(from: Int, through: Int, timeZone: TimeZone, limit: Int = 3700) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        var day = calendar.startOfDay(for: Date(timeIntervalSince1970: TimeInterval(from)))
        let end = Date(timeIntervalSince1970: TimeInterval(max(from, through)))
        var starts: [Int] = []
        var dates: [String] = []
        while day <= end, starts.count < limit {
            starts.append(Int(day.timeIntervalSince1970))
            dates.append(formatter.string(from: day))
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
        }
        self.starts = starts
        self.dates = dates
    }
}
