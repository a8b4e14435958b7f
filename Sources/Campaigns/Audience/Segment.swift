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

    /// The `days` used when a request leaves it out (nil: the type has no days).
    public var defaultDays: Int? {
        switch self {
        case .recentBookers: 30
        case .upcoming: 7
        case .lapsed: 90
        case .cancelledRecent: 30
        case .birthday: 0
        case .allCustomers, .allAppointments, .firstTime, .repeat: nil
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
        }
    }
}

/// Who a campaign reaches: a segment type and, for time-based types, a window in days.
public struct Segment: Sendable, Hashable, Codable {
    public var type: SegmentType
    public var days: Int?

    public init(type: SegmentType, days: Int? = nil) {
        self.type = type
        self.days = days
    }

    /// The window in days that applies (the default when none was given).
    public var effectiveDays: Int? { type.defaultDays == nil ? nil : (days ?? type.defaultDays) }
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
