import Foundation
import Logging
import MariaDB

// MARK: - Layout: which ids exist

/// Every id the demo uses, derived from the options (so rows can be generated independently).
struct DemoLayout: Sendable {
    let tenants: Int
    let customers: Int
    let appointments: Int
    let seed: UInt64
    /// `now` in epoch seconds.
    let now: Int
    let region: DemoRegion

    init(_ options: DemoDataOptions) {
        region = options.region
        tenants = options.tenants
        customers = options.customers
        appointments = options.appointments
        seed = options.seed
        now = Int(options.now.timeIntervalSince1970.rounded(.down))
    }

    var saas: Bool { tenants > 0 }
    /// Sites: tenants in SaaS, otherwise the one site.
    var sites: Int { max(1, tenants) }

    func tenantID(site: Int) -> MariaDBBind { saas ? .int(Int64(site + 1)) : .null }

    static let staffPerSite = 3
    static let servicesPerSite = 5
    static let locationsPerSite = 3

    func staffID(site: Int, _ k: Int) -> Int { site * Self.staffPerSite + k + 1 }
    func serviceID(site: Int, _ k: Int) -> Int { site * Self.servicesPerSite + k + 1 }
    func locationID(site: Int, _ k: Int) -> Int { site * Self.locationsPerSite + k + 1 }

    // WordPress users: 1 = admin, then tenant owners (SaaS), staff, one subscriber, one broken.
    let adminUserID = 1
    func ownerUserID(site: Int) -> Int { 2 + site }
    func staffUserID(site: Int, _ k: Int) -> Int { 2 + (saas ? tenants : 0) + site * Self.staffPerSite + k }
    var customerUserID: Int { 2 + (saas ? tenants : 0) + sites * Self.staffPerSite }
    var brokenUserID: Int { customerUserID + 1 }
    var userCount: Int { brokenUserID }

    /// Every 997th appointment (from index 500) points at a customer that does not exist.
    func isOrphanAppointment(_ index: Int) -> Bool { index % 997 == 500 }
    var orphanAppointmentCount: Int { appointments > 500 ? (appointments - 501) / 997 + 1 : 0 }

    /// Plans (SaaS): fixed ids.
    static let proPlan = 1, starterPlan = 2, freePlan = 3, expiredPlan = 4

    /// The plan of tenant `site` (0-based): tenant 2 is on Starter, the others on Pro; with ≥ 3
    /// tenants the last one's subscription has run out.
    func planID(site: Int) -> Int { site == 1 && !isExpired(site: site) ? Self.starterPlan : Self.proPlan }
    func isExpired(site: Int) -> Bool { tenants >= 3 && site == tenants - 1 }

    /// Catalogue of each site.
    static let services: [(name: String, price: String, minutes: Int, active: Bool)] = [
        ("Haircut", "35.00", 30, true), ("Colour & Highlights", "120.00", 120, true), ("Manicure 💅", "25.00", 45, true),
        ("Massage — 60 min", "70.00", 60, true), ("Beard trim (discontinued)", "15.00", 30, false),
    ]
    static let locations: [(name: String, address: String, active: Bool)] = [
        ("Main Street Studio", "12 Main Street", true), ("Café Corner — Ørestad", "Ørestads Boulevard 5, København", true),
        ("Old Town (closed)", "1 Old Road", false),
    ]
    static let staffNames = ["Zoë Schröder", "Marco Rossi", "Aiyana Núñez"]
    static let tenantNames = ["Bella Salon", "Ünö Spa & Wellness", "Barber & Co", "Studio Øst", "Nail Bar 💅", "Glow Clinic"]
}
