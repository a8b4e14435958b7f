import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport

/// A database with Booknetic's tables (prefix `wpx_`), the sidecar's migrations, generated
/// messy data for two tenants, and hand-made boundary customers — plus an independent,
/// plain-Swift evaluation of DESIGN §5 to compare the compiled SQL against.
struct AudienceFixture {
    static let prefix = try! TablePrefix("wpx_")
    static let now = 1_767_225_600  // 2026-01-01T00:00:00Z
    let pool: MariaDBPool

    struct Customer {
        let id: Int
        let tenant: Int?
        let first: String?
        let last: String?
        let phone: String?
        let email: String?
        var birthdate: String? = nil
        var category: Int? = nil
    }
    struct Appointment {
        let customer: Int?
        let tenant: Int?
        let status: String?
        let startsAt: Int?
        let createdAt: Int?
        let service: Int?
        let location: Int?
    }

    static func make(_ label: String) async throws -> AudienceFixture {
        let pool = try await TestDatabase.create(label)
        try await BookneticFixture.install(pool: pool, prefix: prefix)
        try await Migrator(pool: pool, prefix: prefix, logger: TestDatabase.logger).migrate()
        _ = try await DemoDataGenerator(pool: pool, prefix: prefix, logger: TestDatabase.logger).generate(
            DemoDataOptions(tenants: 2, customers: 500, appointments: 4000, seed: 7, now: Date(timeIntervalSince1970: TimeInterval(now))))
        // Another install's schema: birthdate as text, so it can hold what real sites store.
        try await pool.withConnection { db in
            try await db.execute("ALTER TABLE wpx_bkntc_customers MODIFY birthdate VARCHAR(32) NULL")
            // Booknetic 5's customer categories: 1–3, and none for every fourth customer.
            try await db.execute("UPDATE wpx_bkntc_customers SET category_id = IF(id % 4 = 0, NULL, id % 3 + 1)")
        }
        let fixture = AudienceFixture(pool: pool)
        try await fixture.addBoundaryRows()
        try await fixture.addBirthdays()
        return fixture
    }

    /// Customers 900001… in tenant 1 placed exactly on the segment boundaries.
    private func addBoundaryRows() async throws {
        let day = 86_400
        let n = Self.now
        let customers: [(Int, String?, String?, String?, String?)] = [
            (900_001, "Exact", "Recent", "+44 7700 900001", "exact.recent@Example.COM"),
            (900_002, "Just", "Too-old", "+44 7700 900002", "too.old@example.com"),
            (900_003, "Upcoming", "Now", "+44 7700 900003", "up.now@example.com"),
            (900_004, "Upcoming", "Edge", "+44 7700 900004", "up.edge@example.com"),
            (900_005, nil, nil, "+44 7700 900005", "one.active@example.com"),
            (900_006, "", "", "+44 7700 900006", "three@example.com"),
            (900_007, "Two", "Only", "+44 7700 900007", "two@example.com"),
            (900_008, "Lapsed", "Exactly", "+44 7700 900008", "lapsed@example.com"),
            (900_009, "Rejected", "Recent", "+44 7700 900009", "rejected@example.com"),
            (900_010, "Dup", "Phone A", "+44 7700 900010", "dup.a@example.com"),
            (900_011, "Dup", "Phone B", "0044 (7700) 900-010", "DUP.A@example.com"),
            (900_012, "No", "Appointments", "07911 555012", "none@example.com"),
        ]
        try await pool.withConnection { db in
            for c in customers {
                try await db.execute(
                    "INSERT INTO wpx_bkntc_customers (id, first_name, last_name, phone_number, email, created_at, tenant_id) VALUES (\(c.0),\(c.1),\(c.2),\(c.3),\(c.4),\("2025-01-01"),1)"
                )
            }
            let appointments: [(Int, String, Int, Int)] = [  // customer, status, starts_at, created_at
                (900_001, "approved", n - 40 * day, n - 30 * day),  // created exactly 30 days ago
                (900_002, "approved", n - 40 * day, n - 30 * day - 1),  // one second older
                (900_003, "pending", n, n - day),  // starts exactly now
                (900_004, "approved", n + 7 * day, n - day),  // starts exactly at the 7-day edge (excluded)
                (900_005, "approved", n - 10 * day, n - 11 * day),
                (900_005, "canceled", n - 5 * day, n - 6 * day),
                (900_006, "approved", n - 300 * day, n - 301 * day),
                (900_006, "approved", n - 200 * day, n - 201 * day),
                (900_006, "pending", n - 100 * day, n - 101 * day),
                (900_007, "approved", n - 300 * day, n - 301 * day),
                (900_007, "approved", n - 200 * day, n - 201 * day),
                (900_007, "rejected", n - 100 * day, n - 101 * day),
                (900_008, "approved", n - 90 * day - 1, n - 95 * day),  // last visit just before the 90-day edge
                (900_008, "canceled", n - 10 * day, n - 11 * day),
                (900_009, "rejected", n - 30 * day, n - 31 * day),  // exactly on the cancelled_recent edge
                (900_010, "approved", n - 3 * day, n - 4 * day),
                (900_011, "approved", n - 3 * day, n - 4 * day),
            ]
            for (index, a) in appointments.enumerated() {
                try await db.execute(
                    """
                    INSERT INTO wpx_bkntc_appointments (id, customer_id, status, starts_at, ends_at, created_at, tenant_id, service_id, location_id)
                    VALUES (\(950_000 + index),\(a.0),\(a.1),\(a.2),\(a.2 + 3600),\(a.3),1,\(index % 2 == 0 ? 1 : 2),\(1))
                    """)
            }
        }
    }

    /// Customers 910001… in tenant 1 with birthdates as installs store them, around the year's
    /// end and 29 February.
    static let birthdays: [(Int, String?)] = [
        (910_001, "2000-12-31"), (910_002, "1990-01-01"), (910_003, "1984-02-29"), (910_004, "1991-02-29"),
        (910_005, ""), (910_006, "0000-00-00"), (910_007, "1990-1-2"), (910_008, " 1985-12-30 "),
        (910_009, "1990-12-31 10:00:00"), (910_010, "31/12/1990"), (910_011, "1990-04-31"), (910_012, "1988-01-03"),
        (910_013, "1999-13-01"), (910_014, nil), (910_015, "1970-02-28"), (910_016, "1970-03-01"), (910_017, "1990-012-05"),
        (910_018, "1990-01-011"), (910_019, "1980-01-31"), (910_020, "2001-02-01"),
    ]

    private func addBirthdays() async throws {
        try await pool.withConnection { db in
            for (id, birthdate) in Self.birthdays {
                try await db.execute(
                    """
                    INSERT INTO wpx_bkntc_customers (id, first_name, last_name, phone_number, email, birthdate, created_at, tenant_id)
                    VALUES (\(id), 'Birthday', \(String(id)), \("+44 7700 \(id - 910_000 + 800_000)"), \("b\(id)@example.com"),
                      \(birthdate), '2025-01-01', 1)
                    """)
            }
        }
    }

    func customers() async throws -> [Customer] {
        try await pool.withConnection { db in
            try await db.query("SELECT id, tenant_id, first_name, last_name, phone_number, email, birthdate, category_id FROM wpx_bkntc_customers")
                .map {
                    Customer(
                        id: try $0.decode("id"), tenant: try $0.decode("tenant_id"), first: try $0.decode("first_name"),
                        last: try $0.decode("last_name"), phone: try $0.decode("phone_number"), email: try $0.decode("email"),
                        birthdate: try $0.decode("birthdate"), category: try $0.decode("category_id"))
                }
        }
    }

    /// DESIGN §5's birthday rule, written independently of `BirthdayWindow`: a real Y-m-d date
    /// whose month and day fall on one of the `days`+1 days from today in the time zone, with
    /// 29 February celebrated on 28 February in common years.
    static func hasBirthday(_ birthdate: String?, now: Int, days: Int, timeZone: TimeZone) -> Bool {
        guard let text = birthdate?.trimmingCharacters(in: CharacterSet(charactersIn: " \t\n\r")),
            let match = text.wholeMatch(of: /(\d{4})-(\d{1,2})-(\d{1,2})(\D.*)?/),
            let year = Int(match.1), let month = Int(match.2), let day = Int(match.3)
        else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // A real date: the calendar must give back the same components.
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day)
        else { return false }
        let today = calendar.startOfDay(for: Date(timeIntervalSince1970: TimeInterval(now)))
        for offset in 0...days {
            let target = calendar.dateComponents([.year, .month, .day], from: calendar.date(byAdding: .day, value: offset, to: today)!)
            let targetIsLeap =
                calendar.range(of: .day, in: .month, for: calendar.date(from: DateComponents(year: target.year, month: 2))!)!.count == 29
            var (m, d) = (month, day)
            if m == 2, d == 29, !targetIsLeap { d = 28 }
            if target.month == m, target.day == d { return true }
        }
        return false
    }

    func appointments() async throws -> [Appointment] {
        try await pool.withConnection { db in
            try await db.query("SELECT customer_id, tenant_id, status, starts_at, created_at, service_id, location_id FROM wpx_bkntc_appointments")
                .map {
                    Appointment(
                        customer: try $0.decode("customer_id"), tenant: try $0.decode("tenant_id"), status: try $0.decode("status"),
                        startsAt: try $0.decode("starts_at"), createdAt: try $0.decode("created_at"),
                        service: try $0.decode("service_id"), location: try $0.decode("location_id"))
                }
        }
    }

    func suppressed(_ scope: TenantScope, _ channel: Channel) async throws -> Set<String> {
        try await pool.withConnection { db in
            Set(
                try await db.query(
                    "SELECT address FROM wpx_bkntc_campaign_suppressions WHERE tenant_key = \(scope.key) AND channel = \(channel.rawValue)"
                ).map { try $0.decode("address", as: String.self).lowercased() })
        }
    }

    /// DESIGN §5 in plain Swift: the recipients as customer id → normalized address.
    static func expected(
        _ audience: AudienceDefinition, customers: [Customer], appointments: [Appointment], suppressed: Set<String>,
        normalizer: AddressNormalizer, now: Int = now, included: (Int) -> Bool = { _ in true }
    ) -> [Int: String] {
        func inScope(_ tenant: Int?) -> Bool {
            switch audience.scope {
            case .singleSite: return tenant == nil || tenant == 0
            case .tenant(let id): return tenant == id
            }
        }
        let inactive: Set<String> = ["canceled", "rejected"]
        var byCustomer: [Int: [Appointment]] = [:]
        for a in appointments where inScope(a.tenant) { if let c = a.customer { byCustomer[c, default: []].append(a) } }
        let days = audience.segment.effectiveDays ?? 0
        let since = now - days * 86_400
        func isActive(_ a: Appointment) -> Bool { !inactive.contains((a.status ?? "").lowercased()) }
        func matches(_ list: [Appointment]) -> Bool {
            switch audience.segment.type {
            case .allCustomers: return true
            case .allAppointments: return !list.isEmpty
            case .recentBookers: return list.contains { ($0.createdAt ?? Int.min) >= since }
            case .upcoming:
                return list.contains { a in
                    ["pending", "approved"].contains((a.status ?? "").lowercased()) && (a.startsAt ?? Int.min) >= now
                        && (a.startsAt ?? Int.max) < now + days * 86_400
                }
            case .firstTime: return list.filter(isActive).count == 1
            case .repeat: return list.filter(isActive).count >= 3
            case .lapsed:
                return list.contains(where: isActive) && !list.contains { isActive($0) && ($0.startsAt ?? Int.min) >= since }
            case .cancelledRecent:
                return list.contains { inactive.contains(($0.status ?? "").lowercased()) && ($0.startsAt ?? Int.min) >= since }
            case .birthday, .rebookDue:
                return true  // decided on the customer below (rebook_due by `included`)
            }
        }
        let f = audience.filters
        func passesFilters(_ list: [Appointment]) -> Bool {
            guard f.hasAppointmentFilter else { return true }
            let matching = list.filter { a in
                (f.serviceIDs.isEmpty || f.serviceIDs.contains(a.service ?? -1))
                    && (f.locationIDs.isEmpty || f.locationIDs.contains(a.location ?? -1))
                    && (f.statuses.isEmpty || f.statuses.map { $0.lowercased() }.contains((a.status ?? "").lowercased()))
            }
            return matching.count >= max(1, f.minAppointments ?? 1)
        }
        var result: [Int: String] = [:]
        var seen: Set<String> = []
        for c in customers.sorted(by: { $0.id < $1.id }) where inScope(c.tenant) {
            let list = byCustomer[c.id] ?? []
            guard [.allCustomers, .birthday].contains(audience.segment.type) ? true : !list.isEmpty else { continue }
            if audience.segment.type == .birthday,
                !hasBirthday(c.birthdate, now: now, days: audience.segment.effectiveDays ?? 0, timeZone: audience.timeZone)
            {
                continue
            }
            guard matches(list), passesFilters(list), included(c.id) else { continue }
            // Categories are a customer filter only (DESIGN §16).
            if !f.categoryIDs.isEmpty, !f.categoryIDs.contains(c.category ?? -1) { continue }
            guard let address = normalizer.normalize(audience.channel.usesPhone ? c.phone : c.email, for: audience.channel) else { continue }
            if audience.filters.excludeSuppressed, suppressed.contains(address.lowercased()) { continue }
            guard seen.insert(address.lowercased()).inserted else { continue }
            result[c.id] = address
        }
        return result
    }

    /// What the compiled query returns, as customer id → address.
    func actual(_ audience: AudienceDefinition, compiler: AudienceCompiler, now: Int = now) async throws -> [Int: String] {
        let query = compiler.recipients(audience, now: now)
        return try await pool.withConnection { db in
            var result: [Int: String] = [:]
            for row in try await db.query(query) {
                result[try row.decode("id", as: Int.self)] = try row.decode("address", as: String.self)
            }
            return result
        }
    }
}
