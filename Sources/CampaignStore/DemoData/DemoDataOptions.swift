import Foundation
import Logging
import MariaDB

/// What `DemoDataGenerator.generate` builds.
public struct DemoDataOptions: Sendable {
    /// 0 = a single (non-SaaS) site: `tenant_id` is NULL everywhere and there are no tenant or
    /// plan rows. N ≥ 1 = Booknetic SaaS with N tenants.
    public var tenants: Int
    /// Customers in total, spread unevenly over the tenants.
    public var customers: Int
    /// Appointments in total.
    public var appointments: Int
    /// The same seed (and `now`) always produces the same rows.
    public var seed: UInt64
    /// The reference time: appointments lie between `now` − 2 years and `now` + 120 days.
    public var now: Date

    /// Whose phone numbers and currency the data has.
    public var region: DemoRegion

    public init(
        tenants: Int = 2, customers: Int = 2000, appointments: Int = 10000, seed: UInt64 = 42, now: Date = Date(),
        region: DemoRegion = .mixed
    ) {
        self.region = region
        self.tenants = tenants
        self.customers = customers
        self.appointments = appointments
        self.seed = seed
        self.now = now
    }
}

/// Where the demo's customers live, for their phone numbers and the site's currency.
public enum DemoRegion: String, Sendable, CaseIterable {
    /// North American and UK numbers mixed, in dollars: the messy data the tests read.
    case mixed
    /// UK mobile numbers only, in pounds: what a salon in Britain (default country 44) sees.
    case uk
}

/// What a run wrote.
public struct DemoDataSummary: Sendable {
    public let tenants: Int
    public let customers: Int
    public let appointments: Int
    /// WordPress users (admin, tenant owners, staff, one subscriber, one with broken metadata).
    public let users: Int
    /// Appointments deliberately pointing at a customer id that does not exist (included in
    /// `appointments`).
    public let orphanAppointments: Int
    /// Wall-clock duration of the run.
    public let seconds: Double
}

/// Progress of a run: `phase` is `clearing`, `setup`, `customers` or `appointments`.
public struct DemoDataProgress: Sendable {
    public let phase: String
    public let done: Int
    public let total: Int
}

/// Options the generator refuses.
public enum DemoDataError: Error, Sendable, CustomStringConvertible {
    case invalidOptions(String)

    public var description: String {
        switch self {
        case .invalidOptions(let why): "invalid demo data options: \(why)"
        }
    }
}
