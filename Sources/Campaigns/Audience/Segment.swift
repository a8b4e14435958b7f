import Foundation

/// The segment types of DESIGN §5.
public enum SegmentType: String, Sendable, Codable, CaseIterable, Hashable {
    case allCustomers = "all_customers"
    case allAppointments = "all_appointments"
    case recentBookers = "recent_bookers"
    case upcoming
    case firstTime = "first_time"
    case `repeat`
    case lapsed
    case cancelledRecent = "cancelled_recent"
    case birthday
    /// DESIGN §19: customers whose usual rhythm says they are due to book again.
    case rebookDue = "rebook_due"

    /// The `days` used when a request leaves it out (nil: the type has no days).
    public var defaultDays: Int? {
        switch self {
        case .recentBookers: 30
        case .upcoming: 7
        case .lapsed: 90
        case .cancelledRecent: 30
        case .birthday: 0
        case .allCustomers, .allAppointments, .firstTime, .repeat, .rebookDue: nil
        }
    }

    /// The `days` a request may give: birthdays look at most a month ahead (0 = today only).
    public var allowedDays: ClosedRange<Int> {
        self == .birthday ? 0...31 : 1...3650
    }

    /// Suggested `days` values shown by the UI.
    public var suggestedDays: [Int] {
        switch self {
        case .recentBookers: [7, 30, 90]
        case .upcoming: [7, 30]
        case .lapsed: [90, 180]
        case .cancelledRecent: [30]
        case .birthday: [0, 7]
        default: []
        }
    }

    public var label: String {
        switch self {
        case .allCustomers: "All customers"
        case .allAppointments: "Customers with appointments"
        case .recentBookers: "Recent bookers"
        case .upcoming: "Upcoming appointments"
        case .firstTime: "First-time customers"
        case .repeat: "Repeat customers (3+ visits)"
        case .lapsed: "Lapsed customers"
        case .cancelledRecent: "Recently cancelled"
        case .birthday: "Birthdays"
        case .rebookDue: "Time to book again"
        }
    }
}

/// Who a campaign reaches: a segment type and, for time-based types, a window in days;
/// `rebook_due` has its own three parameters (DESIGN §19).
public struct Segment: Sendable, Hashable, Codable {
    public var type: SegmentType
    public var days: Int?
    /// `rebook_due`: how late compared with the customer's usual interval (0.5–3).
    public var factor: Double?
    /// `rebook_due`: how many days after falling due a customer stays in the audience (1–90).
    public var windowDays: Int?
    /// `rebook_due`: past visits needed to use the customer's own interval (2–10).
    public var minVisits: Int?

    public init(type: SegmentType, days: Int? = nil, factor: Double? = nil, windowDays: Int? = nil, minVisits: Int? = nil) {
        self.type = type
        self.days = days
        self.factor = factor
        self.windowDays = windowDays
        self.minVisits = minVisits
    }

    enum CodingKeys: String, CodingKey {
        case type, days, factor
        case windowDays = "window_days"
        case minVisits = "min_visits"
    }

    /// The window in days that applies (the default when none was given).
    public var effectiveDays: Int? { type.defaultDays == nil ? nil : (days ?? type.defaultDays) }

    /// `rebook_due`'s parameters with the defaults for those not given.
    public var rebook: RebookRule {
        RebookRule(
            factor: factor ?? RebookRule.defaultFactor, windowDays: windowDays ?? RebookRule.defaultWindowDays,
            minVisits: minVisits ?? RebookRule.defaultMinVisits)
    }

    /// The segment as the API echoes it: every parameter of its type with its effective value.
    public var effective: Segment {
        guard type == .rebookDue else { return Segment(type: type, days: effectiveDays) }
        let rule = rebook
        return Segment(type: type, factor: rule.factor, windowDays: rule.windowDays, minVisits: rule.minVisits)
    }
}

/// Optional audience filters (DESIGN §5), combined with AND.
public struct SegmentFilters: Sendable, Hashable, Codable {
    public var serviceIDs: [Int]
    public var locationIDs: [Int]
    public var statuses: [String]
    public var minAppointments: Int?
    public var excludeSuppressed: Bool
    /// Customers' `category_id` (Booknetic v5), a customer filter only: it does not make the
    /// matching-appointments rule apply (DESIGN §16).
    public var categoryIDs: [Int]

    public init(
        serviceIDs: [Int] = [], locationIDs: [Int] = [], statuses: [String] = [], minAppointments: Int? = nil,
        excludeSuppressed: Bool = true, categoryIDs: [Int] = []
    ) {
        self.categoryIDs = categoryIDs
        self.serviceIDs = serviceIDs
        self.locationIDs = locationIDs
        self.statuses = statuses
        self.minAppointments = minAppointments
        self.excludeSuppressed = excludeSuppressed
    }

    enum CodingKeys: String, CodingKey {
        case serviceIDs = "service_ids"
        case locationIDs = "location_ids"
        case statuses
        case minAppointments = "min_appointments"
        case excludeSuppressed = "exclude_suppressed"
        case categoryIDs = "category_ids"
    }

    /// Reads stored filters; those stored before `category_ids` existed have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        serviceIDs = try container.decode([Int].self, forKey: .serviceIDs)
        locationIDs = try container.decode([Int].self, forKey: .locationIDs)
        statuses = try container.decode([String].self, forKey: .statuses)
        minAppointments = try container.decodeIfPresent(Int.self, forKey: .minAppointments)
        excludeSuppressed = try container.decode(Bool.self, forKey: .excludeSuppressed)
        categoryIDs = try container.decodeIfPresent([Int].self, forKey: .categoryIDs) ?? []
    }

    /// Whether any appointment filter is set (then customers need matching appointments).
    public var hasAppointmentFilter: Bool {
        !serviceIDs.isEmpty || !locationIDs.isEmpty || !statuses.isEmpty || minAppointments != nil
    }
}
