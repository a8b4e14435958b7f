import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport
import Testing

@Suite("Demo data generator", .serialized)
struct DemoDataTests {
    /// A fixed reference time (2025-06-15 15:06:40 UTC) so runs are reproducible.
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let nowEpoch = 1_750_000_000
    static let prefix = try! TablePrefix("wpdemo_")

    @Test func saasRunHasTheRequestedCountsShapeAndMess() async throws {
        try await withDemoDatabase { pool in
            let p = Self.prefix
            let collector = ProgressCollector()
            let summary = try await DemoDataGenerator(pool: pool, prefix: p, logger: TestDatabase.logger).generate(
                DemoDataOptions(tenants: 3, customers: 600, appointments: 4000, seed: 42, now: Self.now),
                progress: { collector.add($0) })
            #expect(summary.tenants == 3)
            #expect(summary.customers == 600)
            #expect(summary.appointments == 4000)
            #expect(summary.users == 1 + 3 + 3 * 3 + 2)
            #expect(summary.orphanAppointments == 4)
            #expect(collector.last("customers").map { [$0.done, $0.total] } == [600, 600])
            #expect(collector.last("appointments").map { [$0.done, $0.total] } == [4000, 4000])
            #expect(collector.isMonotonic)

            try await pool.withConnection { db in
                let customers = p.bkntc("customers")
                let appointments = p.bkntc("appointments")
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: customers)") == 600)
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: appointments)") == 4000)
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: p.bkntc("tenants"))") == 3)
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: p.wordpress("users"))") == summary.users)
                #expect(try await db.count("SELECT COUNT(DISTINCT tenant_id) FROM \(identifier: customers)") == 3)
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: customers) WHERE tenant_id IS NULL") == 0)

                // Tenant consistency: an appointment belongs to its customer's tenant, and to the
                // tenant of its service, location and staff member; only the deliberate orphans
                // point at no customer.
                #expect(
                    try await db.count(
                        """
                        SELECT COUNT(*) FROM \(identifier: appointments) a JOIN \(identifier: customers) c ON c.id = a.customer_id
                        WHERE NOT (a.tenant_id <=> c.tenant_id)
                        """) == 0)
                let orphans = try await db.count(
                    """
                    SELECT COUNT(*) FROM \(identifier: appointments) a LEFT JOIN \(identifier: customers) c ON c.id = a.customer_id
                    WHERE c.id IS NULL
                    """)
                #expect(orphans == summary.orphanAppointments)
                #expect(orphans > 0)
                for (table, column) in [("services", "service_id"), ("locations", "location_id"), ("staff", "staff_id")] {
                    #expect(
                        try await db.count(
                            """
                            SELECT COUNT(*) FROM \(identifier: appointments) a LEFT JOIN \(identifier: p.bkntc(table)) x ON x.id = a.\(identifier: SQLIdentifier(column)!)
                            WHERE x.id IS NULL OR NOT (x.tenant_id <=> a.tenant_id)
                            """) == 0, "\(table) of another tenant")
                }

                // Statuses: the four Booknetic slugs plus at least one unknown.
                let statuses = try await db.query("SELECT status, COUNT(*) AS n FROM \(identifier: appointments) GROUP BY status")
                    .reduce(into: [String: Int]()) { $0[try $1.decode("status", as: String.self)] = try $1.decode("n", as: Int.self) }
                for known in ["approved", "pending", "canceled", "rejected"] {
                    #expect((statuses[known] ?? 0) > 0, "no \(known) appointments")
                }
                #expect(statuses.keys.contains { !["approved", "pending", "canceled", "rejected"].contains($0) })
                let approvedShare = Double(statuses["approved"] ?? 0) / 4000
                #expect(approvedShare > 0.45 && approvedShare < 0.65)

                // Times: past and future, within −2 years … +120 days; durations 30–120 min.
                let now = Self.nowEpoch
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: appointments) WHERE starts_at < \(now)") > 0)
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: appointments) WHERE starts_at >= \(now)") > 0)
                #expect(
                    try await db.count(
                        """
                        SELECT COUNT(*) FROM \(identifier: appointments)
                        WHERE starts_at < \(now) - 731 * 86400 OR starts_at > \(now) + 120 * 86400
                           OR ends_at - starts_at NOT BETWEEN 1800 AND 7200
                           OR busy_from <> starts_at OR busy_to <> ends_at
                           OR created_at > \(now) OR created_at > starts_at
                           OR (created_at < starts_at - 60 * 86400 AND starts_at <= \(now))
                           OR weight <> 1 OR tenant_id IS NULL
                        """) == 0)

                // created_at of customers in all three formats, and nothing else.
                let dateTime = try await db.count(
                    "SELECT COUNT(*) FROM \(identifier: customers) WHERE created_at REGEXP '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$'")
                let dateOnly = try await db.count(
                    "SELECT COUNT(*) FROM \(identifier: customers) WHERE created_at REGEXP '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'")
                let epoch = try await db.count("SELECT COUNT(*) FROM \(identifier: customers) WHERE created_at REGEXP '^[0-9]{9,10}$'")
                #expect(dateTime > 0 && dateOnly > 0 && epoch > 0)
                #expect(dateTime + dateOnly + epoch == 600)

                // Booking habits: some never booked, some booked once, some a lot.
                let perCustomer = try await db.query(
                    """
                    SELECT c.id, COUNT(a.id) AS n FROM \(identifier: customers) c LEFT JOIN \(identifier: appointments) a ON a.customer_id = c.id
                    GROUP BY c.id
                    """
                ).map { try $0.decode("n", as: Int.self) }
                let never = perCustomer.filter { $0 == 0 }.count
                #expect(never >= 60 && never <= 90, "\(never) of 600 customers never booked")
                #expect(perCustomer.contains(1))
                #expect(perCustomer.filter { $0 >= 10 }.count >= 5)

                // Phones and emails: mostly usable, some not, some shared (written differently).
                let contacts = try await db.query("SELECT id, tenant_id, phone_number, email FROM \(identifier: customers)")
                let normalizer = AddressNormalizer(defaultCountryCode: nil)
                var phones: [String: Set<String>] = [:]
                var emails: [String: Set<String>] = [:]
                var validPhones = 0
                var invalidPhones = 0
                var invalidEmails = 0
                var nullPhones = 0
                for row in contacts {
                    let tenant = try row.decode("tenant_id", as: Int.self)
                    let phone = try row.decode("phone_number", as: String?.self)
                    if phone == nil { nullPhones += 1 }
                    if let normalized = normalizer.normalizePhone(phone) {
                        validPhones += 1
                        phones["\(tenant)|\(normalized)", default: []].insert(phone!)
                    } else {
                        invalidPhones += 1
                    }
                    let email = try row.decode("email", as: String?.self)
                    if let normalized = AddressNormalizer.normalizeEmail(email) {
                        emails["\(tenant)|\(normalized)", default: []].insert(email!)
                    } else if let email, !email.trimmingCharacters(in: .whitespaces).isEmpty {
                        invalidEmails += 1
                    }
                }
                #expect(Double(validPhones) / 600 > 0.75)
                #expect(invalidPhones > 0 && nullPhones > 0)
                #expect(invalidEmails > 0)
                let sharedPhones = phones.values.filter { $0.count >= 2 }.count
                let sharedEmails = emails.values.filter { $0.count >= 2 }.count
                #expect(sharedPhones >= 3, "phones shared by two customers, spelled differently: \(sharedPhones)")
                #expect(sharedEmails >= 3, "emails shared by two customers, spelled differently: \(sharedEmails)")
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: customers) WHERE phone_number = ''") > 0)
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: customers) WHERE email LIKE '%@%.COM'") > 0)

                // Names: accents, emoji, blanks and NULLs.
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: customers) WHERE first_name LIKE '%🌸%'") > 0)
                #expect(
                    try await db.count(
                        "SELECT COUNT(*) FROM \(identifier: customers) WHERE first_name IN ('José', 'Zoë', 'Øyvind') OR last_name = 'Müller'") > 0)
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: customers) WHERE first_name IS NULL") > 0)
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: customers) WHERE first_name = ''") > 0)
                #expect(
                    try await db.count(
                        "SELECT COUNT(*) FROM \(identifier: customers) WHERE user_id = (SELECT ID FROM \(identifier: p.wordpress("users")) WHERE user_login = 'customer')"
                    ) == 1)

                // SaaS plans: the last tenant has expired (so the expire plan applies), tenant 2 is on Starter.
                let today = String(ISO8601DateFormatter().string(from: Self.now).prefix(10))
                let expired = try await db.query(
                    "SELECT id, plan_id FROM \(identifier: p.bkntc("tenants")) WHERE expires_in < \(today)")
                #expect(try expired.map { try $0.decode("id", as: Int.self) } == [3])
                #expect(try expired.first?.decode("plan_id", as: Int.self) == 1)
                let plans = try await db.query(
                    "SELECT id, name, is_default, expire_plan, permissions FROM \(identifier: p.bkntc("plans")) ORDER BY id")
                let byName = try Dictionary(uniqueKeysWithValues: plans.map { (try $0.decode("name", as: String.self), $0) })
                #expect(byName.keys.sorted() == ["Expired", "Free", "Pro", "Starter"])
                #expect(try byName["Expired"]?.decode("expire_plan", as: Int.self) == 1)
                #expect(try byName["Free"]?.decode("is_default", as: Int.self) == 1)
                #expect(try plans.filter { try $0.decode("expire_plan", as: Int.self) == 1 }.count == 1)
                let pro = try Self.permissions(byName["Pro"]!)
                #expect(pro.capabilities["sms_campaigns"] == "on" && pro.capabilities["whatsapp_campaigns"] == "on")
                #expect(pro.capabilities["email_campaigns"] == "on" && pro.limits["twilio_sms_allowed_max_number"] == "-1")
                let starter = try Self.permissions(byName["Starter"]!)
                #expect(starter.capabilities["email_campaigns"] == "on" && starter.capabilities["sms_campaigns"] == "off")
                #expect(starter.capabilities["whatsapp_campaigns"] == nil && starter.limits["twilio_sms_allowed_max_number"] == "500")
                for name in ["Free", "Expired"] {
                    let plan = try Self.permissions(byName[name]!)
                    #expect(["sms_campaigns", "whatsapp_campaigns", "email_campaigns"].allSatisfy { plan.capabilities[$0] == "off" })
                }
                #expect(try await db.count("SELECT plan_id FROM \(identifier: p.bkntc("tenants")) WHERE id = 2") == 2)

                // WordPress roles: valid PHP serialization with byte lengths, one deliberately broken row.
                let capabilities = try await db.query(
                    "SELECT user_id, meta_value FROM \(identifier: p.wordpress("usermeta")) WHERE meta_key = \(p.value + "capabilities")")
                #expect(capabilities.count == summary.users)
                let values = try capabilities.map { try $0.decode("meta_value", as: String.self) }
                #expect(values.filter { !Self.hasValidStringLengths($0) }.count == 1)
                #expect(values.contains(#"a:1:{s:13:"administrator";b:1;}"#))
                #expect(values.filter { $0.contains(#"s:21:"booknetic_saas_tenant";b:1;"#) }.count == 3)
                #expect(values.filter { $0.contains(#"s:15:"booknetic_staff";b:1;"#) }.count == 9)
                let accented = values.filter { $0.contains("réceptionniste") }
                #expect(accented.count == 3)
                #expect(accented.allSatisfy { $0.contains(#"s:15:"réceptionniste";b:1;"#) && Self.hasValidStringLengths($0) })
                #expect(values.contains(#"a:1:{s:10:"subscriber";b:1;}"#))
                #expect(
                    try await db.count(
                        """
                        SELECT COUNT(*) FROM \(identifier: p.bkntc("staff")) s JOIN \(identifier: p.wordpress("users")) u ON u.ID = s.user_id
                        """) == 9)
                #expect(
                    try await db.count(
                        """
                        SELECT COUNT(*) FROM \(identifier: p.bkntc("tenants")) t JOIN \(identifier: p.wordpress("users")) u ON u.ID = t.user_id
                        """) == 3)

                // Settings.
                let options = try await db.query("SELECT option_name, option_value FROM \(identifier: p.wordpress("options"))")
                    .reduce(into: [String: String]()) {
                        $0[try $1.decode("option_name", as: String.self)] = try $1.decode("option_value", as: String.self)
                    }
                let plugins = try #require(options["active_plugins"])
                #expect(Self.hasValidStringLengths(plugins))
                #expect(plugins.contains(#"s:18:"booknetic/init.php""#))
                #expect(plugins.contains(#"s:38:"booknetic-workflow-twilio-sms/init.php""#))
                let sid = try #require(options["bkntc_sms_account_sid"])
                #expect(sid.count == 34 && sid.hasPrefix("AC") && sid.dropFirst(2).allSatisfy(\.isHexDigit))
                #expect(options["bkntc_sender_phone_number"] == "+15005550006")
                #expect(options["bkntc_sender_email"] == "hello@example.com")
                #expect(options["bkntc_sender_name"] == "Demo Salon")
                #expect(options["bkntc_mail_gateway"] == "smtp")
                #expect(options["bkntc_sms_auth_token"]?.isEmpty == false)

                // Catalogue and role managers per tenant.
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: p.bkntc("services")) WHERE is_active = 0") == 3)
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: p.bkntc("services"))") == 15)
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: p.bkntc("locations")) WHERE is_active = 0") == 3)
                let managers = try await db.query(
                    """
                    SELECT m.name, m.staff, m.permissions, m.tenant_id,
                           (SELECT MIN(s.id) FROM \(identifier: p.bkntc("staff")) s WHERE s.tenant_id = m.tenant_id) AS first_staff
                    FROM \(identifier: p.bkntc("user_role_managers")) m ORDER BY m.id
                    """)
                #expect(managers.count == 6)
                for row in managers {
                    let name = try row.decode("name", as: String.self)
                    let staff = try row.decode("staff", as: Int.self)
                    let first = try row.decode("first_staff", as: Int.self)
                    let permissions =
                        try JSONSerialization.jsonObject(
                            with: Data(try row.decode("permissions", as: String.self).utf8)) as? [String: String]
                    if name == "Marketing" {
                        #expect(staff == first)
                        #expect(permissions?["email_campaigns"] == "all" && permissions?["email_campaigns_create"] == "my")
                        #expect(permissions?["whatsapp_campaigns"] == "off" && permissions?["sms_campaigns_send"] == "on")
                    } else {
                        #expect(name == "Reception" && staff == first + 1)
                        #expect(permissions == ["sms_campaigns": "on"])
                    }
                }
            }
        }
    }
}

/// Records the progress callbacks (called from the generator's worker threads).
private final class ProgressCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [DemoDataProgress] = []

    func add(_ event: DemoDataProgress) {
        lock.lock()
        defer { lock.unlock() }
        events.append(event)
    }

    func last(_ phase: String) -> DemoDataProgress? {
        lock.lock()
        defer { lock.unlock() }
        return events.last { $0.phase == phase }
    }

    /// `done` never goes down within a phase.
    var isMonotonic: Bool {
        lock.lock()
        defer { lock.unlock() }
        var previous: [String: Int] = [:]
        for event in events {
            if event.done < previous[event.phase, default: 0] { return false }
            previous[event.phase] = event.done
        }
        return true
    }
}

extension MariaDBSession {
    /// The first column of the first row as an integer.
    func count(_ query: MariaDBQuery) async throws -> Int {
        let row = try await queryFirst(query)
        return try row?.decode(0, as: Int.self) ?? 0
    }
}
