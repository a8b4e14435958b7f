import MariaDB

/// Generates the rows of the two big tables; row `i` depends only on the seed, `now`, the
/// layout and the customer plan, never on other rows.
struct DemoRows: Sendable {
    let layout: DemoLayout
    let plan: DemoCustomerPlan

    static let customerColumns: [DemoBatchInsert.Column] = [
        "id", "user_id", "first_name", "last_name", "phone_number", "email", "birthdate", "notes", "profile_image",
        "gender", "created_by", "created_at", "category_id", "tenant_id",
    ]

    /// Appends customer `index` (id `index + 1`).
    func customer(_ index: Int, into binds: inout [MariaDBBind]) {
        let entry = plan.entries[index]
        let site = Int(entry.site)
        var random = SeededRandom(seed: layout.seed, stream: .customer, index: index)
        binds.append(.int(Int64(index + 1)))
        binds.append(index == 0 ? .int(Int64(layout.customerUserID)) : .null)
        binds.append(Self.messy(MessyData.firstNames[Int(entry.firstName)].display, &random, null: 0.02, empty: 0.03))
        binds.append(Self.messy(MessyData.lastNames[Int(entry.lastName)].display, &random, null: 0.03, empty: 0.04))
        binds.append(phone(entry, index: index))
        binds.append(email(entry, index: index))
        // birthdate
        if random.chance(0.4) {
            binds.append(.string("\(1945 + random.int(62))-\(MessyData.pad(1 + random.int(12), 2))-\(MessyData.pad(1 + random.int(28), 2))"))
        } else {
            binds.append(.null)
        }
        binds.append(random.chance(0.05) ? .string(random.pick(MessyData.notes)) : .null)
        binds.append(random.chance(0.05) ? .string(random.hex(16) + ".jpg") : .null)
        binds.append(random.pick(MessyData.genders).map(MariaDBBind.string) ?? .null)
        // created_by: the WordPress user who added the customer (or nobody, self-registered).
        switch random.int(10) {
        case 0..<5: binds.append(.null)
        case 5..<9: binds.append(.int(Int64(layout.staffUserID(site: site, random.int(DemoLayout.staffPerSite)))))
        default: binds.append(.int(Int64(layout.saas ? layout.ownerUserID(site: site) : layout.adminUserID)))
        }
        // created_at: in the last 3 years, in one of the three formats Booknetic has used.
        let created = layout.now - random.int(3 * 365 * 86_400)
        switch random.int(10) {
        case 0..<5: binds.append(.string(MessyData.dateTime(epoch: created)))
        case 5..<8: binds.append(.string(String(created)))
        default: binds.append(.string(MessyData.date(epoch: created)))
        }
        binds.append(random.chance(0.2) ? .int(Int64(1 + random.int(3))) : .null)
        binds.append(layout.tenantID(site: site))
    }

    private func phone(_ entry: DemoCustomerPlan.Entry, index: Int) -> MariaDBBind {
        let format = Int(entry.phoneFormat)
        switch entry.phoneKind {
        case .international, .shared:
            return .string(MessyData.international(MessyData.number(ofCustomer: Int(entry.phoneSource), region: layout.region), format: format))
        case .national:
            return .string(MessyData.national(MessyData.number(ofCustomer: index, region: layout.region), format: format))
        case .junk: return .string(MessyData.junkPhones[format % MessyData.junkPhones.count])
        case .empty: return .string("")
        case .null: return .null
        }
    }

    private func email(_ entry: DemoCustomerPlan.Entry, index: Int) -> MariaDBBind {
        let variant = Int(entry.emailVariant)
        let source = plan.entries[Int(entry.emailSource)]
        let (local, domain) = MessyData.canonicalEmail(
            first: Int(source.firstName), last: Int(source.lastName), index: Int(entry.emailSource))
        switch entry.emailKind {
        case .normal: return .string("\(local)@\(domain)")
        case .shoutyDomain:
            let shoutyLocal = variant % 2 == 0 ? local.prefix(1).uppercased() + local.dropFirst() : local
            return .string("\(shoutyLocal)@\(MessyData.shoutyDomain(domain, variant: variant))")
        case .spaced: return .string(variant % 2 == 0 ? "  \(local)@\(domain) " : "\t\(local)@\(domain)")
        case .null: return .null
        case .empty: return .string(variant % 3 == 0 ? " " : "")
        case .invalid: return .string(MessyData.invalidEmails[variant % MessyData.invalidEmails.count])
        case .shared:
            // The other customer's address, typed with different case/spacing: same after normalization.
            return .string(
                variant % 2 == 0 ? "\(local)@\(MessyData.shoutyDomain(domain, variant: variant / 2))" : " \(local)@\(domain)  ")
        }
    }

    /// A name as people type it: usually fine, sometimes blank, NULL, padded or in the wrong case.
    private static func messy(_ text: String, _ random: inout SeededRandom, null: Double, empty: Double) -> MariaDBBind {
        let draw = random.unit()
        if draw < null { return .null }
        if draw < null + empty { return .string("") }
        let style = random.int(100)
        switch style {
        case 0..<3: return .string("  \(text) ")
        case 3..<5: return .string(text.uppercased())
        case 5..<7: return .string(text.lowercased())
        default: return .string(text)
        }
    }

    /// `busy_from`/`busy_to` repeat `starts_at`/`ends_at` and `weight` is 1: computed by the
    /// server from the row itself rather than sent.
    static let appointmentColumns: [DemoBatchInsert.Column] = [
        "id", "location_id", "service_id", "staff_id", "customer_id", "status", "starts_at", "ends_at",
        .init("busy_from", expression: "`starts_at`"), .init("busy_to", expression: "`ends_at`"),
        .init("weight", expression: "1"), "payment_id", "recurring_id", "payment_method", "payment_status",
        "paid_amount", "note", "locale", "client_timezone", "created_at", "tenant_id",
    ]

    static let statuses = ["approved", "pending", "canceled", "rejected", "no-show", "rescheduled"]
    static let statusWeights = [0.57, 0.15, 0.15, 0.08, 0.03, 0.02]
    static let paymentMethods = ["local", "stripe", "paypal", "woocommerce"]
    static let paymentMethodWeights = [0.60, 0.20, 0.15, 0.05]

    /// Appends appointment `index` (id `index + 1`).
    func appointment(_ index: Int, into binds: inout [MariaDBBind]) {
        var random = SeededRandom(seed: layout.seed, stream: .appointment, index: index)
        let site: Int
        let customerID: Int
        if layout.isOrphanAppointment(index) {
            // A customer deleted behind Booknetic's back: the id exists nowhere.
            site = random.int(layout.sites)
            customerID = layout.customers + 1_000_000 + index
        } else {
            let customer: Int32
            if index < plan.singles.count {
                customer = plan.singles[index]
            } else if !plan.frequent.isEmpty, plan.regulars.isEmpty || random.chance(0.3) {
                customer = plan.frequent[random.int(plan.frequent.count)]
            } else if !plan.regulars.isEmpty {
                customer = plan.regulars[random.int(plan.regulars.count)]
            } else {
                customer = Int32(random.int(layout.customers))
            }
            site = Int(plan.entries[Int(customer)].site)
            customerID = Int(customer) + 1
        }
        let serviceIndex = random.chance(0.03) ? 4 : random.int(4)
        let service = DemoLayout.services[serviceIndex]
        let locationIndex = random.chance(0.03) ? 2 : random.int(2)
        let staffIndex = random.int(DemoLayout.staffPerSite)

        // From 2 years ago to 120 days ahead, on the quarter hour between 08:00 and 18:45 UTC.
        let today = layout.now - ((layout.now % 86_400) + 86_400) % 86_400
        let day = random.int(in: -730...119)
        let startsAt = today + day * 86_400 + random.int(in: 8...18) * 3600 + random.int(4) * 900
        let endsAt = startsAt + service.minutes * 60
        // Booked 0–60 days ahead; a booking far in the future was made recently (never after now).
        var createdAt = startsAt - random.int(60 * 86_400 + 1)
        if createdAt > layout.now { createdAt = layout.now - random.int(14 * 86_400 + 1) }

        var status = Self.statuses[random.weighted(Self.statusWeights)]
        if status == "no-show", startsAt > layout.now { status = "pending" }
        let method = Self.paymentMethods[random.weighted(Self.paymentMethodWeights)]
        let paymentStatus: String
        switch status {
        case "canceled", "rejected": paymentStatus = method == "local" ? "not_paid" : "refunded"
        default:
            if method == "local" {
                paymentStatus = status == "approved" && startsAt < layout.now && random.chance(0.8) ? "paid" : "pending"
            } else {
                paymentStatus = "paid"
            }
        }
        let paymentID: MariaDBBind
        switch method {
        case "stripe": paymentID = .string("pi_" + random.hex(24))
        case "paypal": paymentID = .string("PAYID-" + random.hex(20).uppercased())
        case "woocommerce": paymentID = .string("wc_order_\(100_000 + index)")
        default: paymentID = .null
        }

        binds.append(.int(Int64(index + 1)))
        binds.append(.int(Int64(layout.locationID(site: site, locationIndex))))
        binds.append(.int(Int64(layout.serviceID(site: site, serviceIndex))))
        binds.append(.int(Int64(layout.staffID(site: site, staffIndex))))
        binds.append(.int(Int64(customerID)))
        binds.append(.string(status))
        binds.append(.int(Int64(startsAt)))
        binds.append(.int(Int64(endsAt)))
        binds.append(paymentID)
        binds.append(random.chance(0.03) ? .string("rec_" + random.hex(12)) : .null)
        binds.append(.string(method))
        binds.append(.string(paymentStatus))
        binds.append(.string(paymentStatus == "paid" ? service.price : "0.00"))
        binds.append(random.chance(0.04) ? .string(random.pick(MessyData.notes)) : .null)
        binds.append(random.pick(MessyData.locales).map(MariaDBBind.string) ?? .null)
        binds.append(random.pick(MessyData.timezones).map(MariaDBBind.string) ?? .null)
        binds.append(.int(Int64(createdAt)))
        binds.append(layout.tenantID(site: site))
    }
}
