import CampaignStore
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

/// Fills Booknetic's tables (and the WordPress users/usermeta/options rows the sidecar reads)
/// with deterministic, realistically messy demo data: for the demo, tests and benchmarks.
///
/// Destructive: it empties every table of the Booknetic fixture first, including
/// `{prefix}users`, `{prefix}usermeta` and `{prefix}options`. Never point it at a real site.
public struct DemoDataGenerator: Sendable {
    let pool: MariaDBPool
    let prefix: TablePrefix
    let logger: Logger

    public init(pool: MariaDBPool, prefix: TablePrefix, logger: Logger) {
        self.pool = pool
        self.prefix = prefix
        self.logger = logger
    }

    /// The fixture tables the generator empties and fills (core WordPress tables unprefixed by `bkntc_`).
    static let bookneticTables = [
        "appointments", "customers", "services", "locations", "staff", "tenants", "plans", "user_role_managers",
    ]
    static let wordpressTables = ["users", "usermeta", "options"]

    /// Rows per multi-row INSERT for the big tables, and rows per transaction. Measured on a
    /// 2-core host: the server spends less CPU per row at 200–250 rows per statement than at
    /// 500 (≈ +20 %) or 1000 (≈ +45 %); much smaller batches pay per-statement overhead again.
    static let rowsPerStatement = 250
    static let rowsPerTransaction = 20_000

    /// Creates the Booknetic tables if missing (`BookneticFixture.install`), deletes the existing
    /// rows of those tables, then fills them. `progress` is called after every batch, possibly
    /// from several threads (calls are serialized and `done` never decreases within a phase).
    @discardableResult
    public func generate(
        _ options: DemoDataOptions, progress: (@Sendable (DemoDataProgress) -> Void)? = nil
    ) async throws -> DemoDataSummary {
        guard options.tenants >= 0, options.customers >= 0, options.appointments >= 0 else {
            throw DemoDataError.invalidOptions("tenants, customers and appointments must not be negative")
        }
        guard options.appointments == 0 || options.customers > 0 else {
            throw DemoDataError.invalidOptions("appointments need at least one customer")
        }
        guard options.tenants <= 100_000, options.customers <= 100_000_000, options.appointments <= 1_000_000_000 else {
            throw DemoDataError.invalidOptions("too many rows for INT(11) ids")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let layout = DemoLayout(options)
        let tracker = DemoProgressTracker(progress)
        logger.info(
            "generating demo data",
            metadata: [
                "tenants": "\(options.tenants)", "customers": "\(options.customers)",
                "appointments": "\(options.appointments)", "seed": "\(options.seed)",
            ])

        try await BookneticFixture.install(pool: pool, prefix: prefix)
        try await clearTables(tracker)
        if !layout.saas {
            // A single site has no tenants table: its presence is how an install is detected as
            // Booknetic SaaS when BKNTC_SAAS is not set (DESIGN §2).
            try await pool.withConnection { db in
                try await db.execute("DROP TABLE IF EXISTS \(identifier: prefix.bkntc("tenants")), \(identifier: prefix.bkntc("plans"))")
            }
        }

        let setup = DemoSetupRows(layout: layout, prefix: prefix)
        let tables = setup.tables()
        tracker.start("setup", total: tables.count)
        try await pool.withTransaction { tx in
            for table in tables {
                try await tx.executeSequence(table.statements())
                tracker.advance("setup", by: 1)
            }
        }

        let rows = DemoRows(layout: layout, plan: DemoCustomerPlan(layout: layout))
        let workers = max(1, min(Self.workerCount, pool.configuration.maxConnections))
        let customerInsert = DemoBatchInsert(
            table: prefix.bkntc("customers"), columns: DemoRows.customerColumns, rowsPerStatement: Self.rowsPerStatement)
        try await fill(phase: "customers", count: layout.customers, insert: customerInsert, workers: workers, tracker: tracker) {
            rows.customer($0, into: &$1)
        }
        let appointmentInsert = DemoBatchInsert(
            table: prefix.bkntc("appointments"), columns: DemoRows.appointmentColumns,
            rowsPerStatement: Self.rowsPerStatement)
        try await fill(
            phase: "appointments", count: layout.appointments, insert: appointmentInsert, workers: workers,
            tracker: tracker
        ) {
            rows.appointment($0, into: &$1)
        }

        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let summary = DemoDataSummary(
            tenants: layout.tenants, customers: layout.customers, appointments: layout.appointments,
            users: layout.userCount, orphanAppointments: layout.orphanAppointmentCount, seconds: seconds)
        logger.info(
            "demo data ready",
            metadata: [
                "seconds": "\(String(format: "%.2f", seconds))", "users": "\(summary.users)",
                "orphan_appointments": "\(summary.orphanAppointments)",
            ])
        return summary
    }

    /// Connections used to fill the big tables at once: the server parses each connection's
    /// statements on one thread, so two connections keep a 2-core host busy (one generates rows
    /// while the other waits for the server); larger hosts get a few more.
    static let workerCount = min(4, max(2, ProcessInfo.processInfo.activeProcessorCount / 2))

    /// Empties the fixture tables: TRUNCATE (fast, resets AUTO_INCREMENT), or DELETE where the
    /// account may not truncate.
    private func clearTables(_ tracker: DemoProgressTracker) async throws {
        let names = Self.bookneticTables.map(prefix.bkntc) + Self.wordpressTables.map(prefix.wordpress)
        tracker.start("clearing", total: names.count)
        try await pool.withConnection { db in
            for name in names {
                do {
                    try await db.executeRaw(RawSQL(trusted: "TRUNCATE TABLE \(name.text)"))
                } catch let error as MariaDBError where !error.isConnectionError {
                    logger.debug("TRUNCATE refused, deleting instead", metadata: ["table": "\(name)", "error": "\(error.detail)"])
                    try await db.execute("DELETE FROM \(identifier: name)")
                }
                tracker.advance("clearing", by: 1)
            }
        }
    }

    /// Inserts rows `0..<count` from `workers` connections; each takes the next chunk of
    /// `rowsPerTransaction` rows and writes it in one transaction, in one hop to the thread pool.
    private func fill(
        phase: String, count: Int, insert: DemoBatchInsert, workers: Int, tracker: DemoProgressTracker,
        row: @escaping @Sendable (Int, inout [MariaDBBind]) -> Void
    ) async throws {
        tracker.start(phase, total: count)
        guard count > 0 else { return }
        let chunks = DemoChunkQueue(count: count, chunkSize: Self.rowsPerTransaction)
        let pool = self.pool
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<min(workers, (count + Self.rowsPerTransaction - 1) / Self.rowsPerTransaction) {
                group.addTask {
                    while let chunk = chunks.next() {
                        try Task.checkCancellation()
                        try await pool.withTransaction { tx in
                            let cursor = DemoChunkCursor(chunk)
                            try await tx.executeSequence {
                                guard let rows = cursor.next(insert.rowsPerStatement) else { return nil }
                                var binds: [MariaDBBind] = []
                                binds.reserveCapacity(rows.count * insert.bindsPerRow)
                                for index in rows { row(index, &binds) }
                                tracker.advance(phase, by: rows.count)
                                return try MariaDBQuery(compiled: insert.sql(rows: rows.count), binds: binds)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

// MARK: - Plumbing

/// A multi-row prepared INSERT; the SQL text of a full batch is built once so the connection's
/// statement cache hits on every batch.
struct DemoBatchInsert: Sendable {
    /// A column and what it gets: a bound value (`expression == nil`) or a fixed SQL expression,
    /// which may name a column set earlier in the same row (`busy_from` = `starts_at`): fewer
    /// values to send and for the server to parse.
    struct Column: Sendable, ExpressibleByStringLiteral {
        let name: String
        let expression: String?
        init(_ name: String, expression: String? = nil) {
            self.name = name
            self.expression = expression
        }
        init(stringLiteral name: String) { self.init(name) }
    }

    let table: SQLIdentifier
    let columns: [Column]
    /// Placeholders per row.
    let bindsPerRow: Int
    let rowsPerStatement: Int
    private let fullSQL: String

    init(table: SQLIdentifier, columns: [Column], rowsPerStatement: Int) {
        self.table = table
        self.columns = columns
        bindsPerRow = columns.filter { $0.expression == nil }.count
        // Stay well below the protocol's 65 535 placeholders per statement.
        self.rowsPerStatement = max(1, min(rowsPerStatement, 60_000 / max(1, bindsPerRow)))
        self.fullSQL = Self.sql(table: table, columns: columns, rows: self.rowsPerStatement)
    }

    func sql(rows: Int) -> String {
        rows == rowsPerStatement ? fullSQL : Self.sql(table: table, columns: columns, rows: rows)
    }

    private static func sql(table: SQLIdentifier, columns: [Column], rows: Int) -> String {
        let tuple = "(" + columns.map { $0.expression ?? "?" }.joined(separator: ",") + ")"
        let names = columns.map { "`\($0.name)`" }.joined(separator: ", ")
        return "INSERT INTO \(table.text) (\(names)) VALUES " + Array(repeating: tuple, count: rows).joined(separator: ",")
    }
}

/// A small table's rows, written in one go (split only if the statement would get too big).
struct DemoTableRows: Sendable {
    let table: SQLIdentifier
    let columns: [DemoBatchInsert.Column]
    let rows: [[MariaDBBind]]

    /// The multi-row INSERTs that write these rows, one at a time.
    func statements() -> @Sendable () throws -> MariaDBQuery? {
        let insert = DemoBatchInsert(table: table, columns: columns, rowsPerStatement: 500)
        let cursor = DemoChunkCursor(0..<rows.count)
        let rows = self.rows
        return {
            guard let range = cursor.next(insert.rowsPerStatement) else { return nil }
            return try MariaDBQuery(compiled: insert.sql(rows: range.count), binds: Array(rows[range].joined()))
        }
    }
}

/// Walks a range in steps, for statements produced one at a time on the thread pool.
final class DemoChunkCursor: @unchecked Sendable {
    private var start: Int
    private let end: Int

    init(_ range: Range<Int>) {
        start = range.lowerBound
        end = range.upperBound
    }

    /// The next at most `size` indexes, or nil at the end (called from one thread at a time).
    func next(_ size: Int) -> Range<Int>? {
        guard start < end else { return nil }
        let range = start..<min(start + size, end)
        start = range.upperBound
        return range
    }
}

/// Hands out chunks of row indexes to the workers.
final class DemoChunkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextStart = 0
    private let count: Int
    private let chunkSize: Int

    init(count: Int, chunkSize: Int) {
        self.count = count
        self.chunkSize = chunkSize
    }

    func next() -> Range<Int>? {
        lock.lock()
        defer { lock.unlock() }
        guard nextStart < count else { return nil }
        let start = nextStart
        nextStart = min(count, start + chunkSize)
        return start..<nextStart
    }
}

/// Counts progress per phase and calls the caller's callback, one call at a time.
final class DemoProgressTracker: @unchecked Sendable {
    private let lock = NSLock()
    private let callback: (@Sendable (DemoDataProgress) -> Void)?
    private var phase = ""
    private var done = 0
    private var total = 0

    init(_ callback: (@Sendable (DemoDataProgress) -> Void)?) { self.callback = callback }

    func start(_ phase: String, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        self.phase = phase
        self.done = 0
        self.total = total
        callback?(DemoDataProgress(phase: phase, done: 0, total: total))
    }

    func advance(_ phase: String, by count: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard phase == self.phase else { return }
        done += count
        callback?(DemoDataProgress(phase: phase, done: done, total: total))
    }
}

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

// MARK: - Small tables

/// Users, settings, tenants, plans, services, locations, staff and role managers.
struct DemoSetupRows {
    let layout: DemoLayout
    let prefix: TablePrefix

    func tables() -> [DemoTableRows] {
        var random = SeededRandom(seed: layout.seed, stream: .setup, index: 0)
        var tables = [users(), usermeta(), options(&random)]
        if layout.saas { tables += [plans(), tenants()] }
        tables += [services(), locations(), staff(), roleManagers()]
        return tables
    }

    private func users() -> DemoTableRows {
        var rows: [[MariaDBBind]] = [[.int(1), .string("admin"), .string("admin@example.com"), .string("Site Admin")]]
        if layout.saas {
            for site in 0..<layout.tenants {
                let id = layout.ownerUserID(site: site)
                rows.append([
                    .int(Int64(id)), .string("owner\(site + 1)"), .string("owner\(site + 1)@example.com"),
                    .string(Self.tenantName(site)),
                ])
            }
        }
        for site in 0..<layout.sites {
            for k in 0..<DemoLayout.staffPerSite {
                rows.append([
                    .int(Int64(layout.staffUserID(site: site, k))), .string("staff\(site + 1)_\(k + 1)"),
                    .string(Self.staffEmail(site, k)), .string(DemoLayout.staffNames[k]),
                ])
            }
        }
        rows.append([
            .int(Int64(layout.customerUserID)), .string("customer"), .string("customer@example.com"),
            .string("Zoë Customer"),
        ])
        rows.append([
            .int(Int64(layout.brokenUserID)), .string("legacy-import"), .string("legacy@example.com"),
            .string("Legacy Import"),
        ])
        return DemoTableRows(table: prefix.wordpress("users"), columns: ["ID", "user_login", "user_email", "display_name"], rows: rows)
    }

    /// The non-ASCII role the third staff member of every site also has (checks `s:N` byte lengths).
    static let accentedRole = "réceptionniste"

    private func usermeta() -> DemoTableRows {
        let capabilities = prefix.value + "capabilities"
        let level = prefix.value + "user_level"
        var meta: [(user: Int, key: String, value: String)] = [
            (layout.adminUserID, capabilities, DemoPHPSerializer.roles(["administrator"])), (layout.adminUserID, level, "10"),
        ]
        if layout.saas {
            for site in 0..<layout.tenants {
                meta.append((layout.ownerUserID(site: site), capabilities, DemoPHPSerializer.roles(["booknetic_saas_tenant"])))
                meta.append((layout.ownerUserID(site: site), level, "0"))
            }
        }
        for site in 0..<layout.sites {
            for k in 0..<DemoLayout.staffPerSite {
                let user = layout.staffUserID(site: site, k)
                let roles = k == 2 ? ["booknetic_staff", Self.accentedRole] : ["booknetic_staff"]
                meta.append((user, capabilities, DemoPHPSerializer.roles(roles)))
                meta.append((user, level, "0"))
                let name = DemoLayout.staffNames[k].split(separator: " ")
                meta.append((user, "first_name", String(name[0])))
                meta.append((user, "last_name", String(name[1])))
            }
        }
        meta.append((layout.customerUserID, capabilities, DemoPHPSerializer.roles(["subscriber"])))
        meta.append((layout.customerUserID, level, "0"))
        // Robustness: a truncated value whose length prefix is wrong; must never grant anything.
        meta.append((layout.brokenUserID, capabilities, "a:1:{s:99:\"administrator\";b:1;"))
        meta.append((layout.brokenUserID, level, "0"))
        let rows = meta.enumerated().map { index, row -> [MariaDBBind] in
            [.int(Int64(index + 1)), .int(Int64(row.user)), .string(row.key), .string(row.value)]
        }
        return DemoTableRows(table: prefix.wordpress("usermeta"), columns: ["umeta_id", "user_id", "meta_key", "meta_value"], rows: rows)
    }

    private func options(_ random: inout SeededRandom) -> DemoTableRows {
        var options: [(String, String)] = [
            ("active_plugins", DemoPHPSerializer.list(["booknetic/init.php", "booknetic-workflow-twilio-sms/init.php"])),
            ("bkntc_sms_account_sid", "AC" + random.hex(32)),
            ("bkntc_sms_auth_token", random.hex(32)),
            ("bkntc_sender_phone_number", layout.region == .uk ? "+447700900000" : "+15005550006"),
            ("bkntc_sender_email", "hello@example.com"),
            ("bkntc_sender_name", "Demo Salon"),
            ("bkntc_mail_gateway", "smtp"),
            ("bkntc_smtp_hostname", "127.0.0.1"),
            ("bkntc_smtp_port", "1025"),
            ("bkntc_smtp_secure", "no"),
            ("bkntc_smtp_username", ""),
            ("bkntc_smtp_password", ""),
            ("bkntc_currency", layout.region == .uk ? "GBP" : "USD"),
        ]
        if layout.saas {
            // A tenant's own value overrides the global one (`bkntc_t<id>_<name>`).
            options.append(("bkntc_t1_sender_name", Self.tenantName(0)))
            options.append(("bkntc_t2_currency", "EUR"))
        }
        let rows = options.enumerated().map { index, option -> [MariaDBBind] in
            [.int(Int64(index + 1)), .string(option.0), .string(option.1), .string("yes")]
        }
        return DemoTableRows(table: prefix.wordpress("options"), columns: ["option_id", "option_name", "option_value", "autoload"], rows: rows)
    }

    static let otherCapabilities = ["appointments", "customers", "services", "staff", "locations", "payments", "reports", "workflow"]

    private func plans() -> DemoTableRows {
        func caps(_ campaigns: String, _ others: String) -> String {
            campaigns + "," + Self.otherCapabilities.map { "\"\($0)\":\"\(others)\"" }.joined(separator: ",")
        }
        let pro = """
            {"capabilities":{\(caps(#""sms_campaigns":"on","whatsapp_campaigns":"on","email_campaigns":"on""#, "on"))},\
            "limits":{"twilio_sms_allowed_max_number":"-1","allowed_max_staff":"-1"}}
            """
        let starter = """
            {"capabilities":{\(caps(#""sms_campaigns":"off","email_campaigns":"on""#, "on"))},\
            "limits":{"twilio_sms_allowed_max_number":"500","allowed_max_staff":"3"}}
            """
        let free = """
            {"capabilities":{\(caps(#""sms_campaigns":"off","whatsapp_campaigns":"off","email_campaigns":"off""#, "on"))},\
            "limits":{"twilio_sms_allowed_max_number":"0","allowed_max_staff":"1"}}
            """
        let expired = """
            {"capabilities":{\(caps(#""sms_campaigns":"off","whatsapp_campaigns":"off","email_campaigns":"off""#, "off"))},\
            "limits":{"twilio_sms_allowed_max_number":"0","allowed_max_staff":"0"}}
            """
        let rows: [[MariaDBBind]] = [
            [.int(Int64(DemoLayout.proPlan)), .string("Pro"), .int(1), .int(0), .int(0), .string(pro)],
            [.int(Int64(DemoLayout.starterPlan)), .string("Starter"), .int(1), .int(0), .int(0), .string(starter)],
            [.int(Int64(DemoLayout.freePlan)), .string("Free"), .int(1), .int(1), .int(0), .string(free)],
            [.int(Int64(DemoLayout.expiredPlan)), .string("Expired"), .int(1), .int(0), .int(1), .string(expired)],
        ]
        return DemoTableRows(
            table: prefix.bkntc("plans"), columns: ["id", "name", "is_active", "is_default", "expire_plan", "permissions"],
            rows: rows)
    }

    private func tenants() -> DemoTableRows {
        let rows = (0..<layout.tenants).map { site -> [MariaDBBind] in
            let expires = layout.isExpired(site: site) ? layout.now - 15 * 86_400 : layout.now + 365 * 86_400
            let inserted = layout.now - (400 - site % 300) * 86_400
            return [
                .int(Int64(site + 1)), .int(Int64(layout.ownerUserID(site: site))), .string("owner\(site + 1)@example.com"),
                .string(Self.tenantName(site)), .string("tenant\(site + 1)"), .int(Int64(layout.planID(site: site))),
                .string(MessyData.date(epoch: expires)), .string(MessyData.dateTime(epoch: inserted)),
            ]
        }
        return DemoTableRows(
            table: prefix.bkntc("tenants"),
            columns: ["id", "user_id", "email", "full_name", "domain", "plan_id", "expires_in", "inserted_at"], rows: rows)
    }

    private func services() -> DemoTableRows {
        var rows: [[MariaDBBind]] = []
        for site in 0..<layout.sites {
            for (k, service) in DemoLayout.services.enumerated() {
                rows.append([
                    .int(Int64(layout.serviceID(site: site, k))), .string(service.name), .string(service.price),
                    .int(Int64(service.minutes)), .int(service.active ? 1 : 0), layout.tenantID(site: site),
                ])
            }
        }
        return DemoTableRows(
            table: prefix.bkntc("services"), columns: ["id", "name", "price", "duration", "is_active", "tenant_id"], rows: rows)
    }

    private func locations() -> DemoTableRows {
        var rows: [[MariaDBBind]] = []
        for site in 0..<layout.sites {
            for (k, location) in DemoLayout.locations.enumerated() {
                rows.append([
                    .int(Int64(layout.locationID(site: site, k))), .string(location.name), .string(location.address),
                    .int(location.active ? 1 : 0), layout.tenantID(site: site),
                ])
            }
        }
        return DemoTableRows(table: prefix.bkntc("locations"), columns: ["id", "name", "address", "is_active", "tenant_id"], rows: rows)
    }

    private func staff() -> DemoTableRows {
        var rows: [[MariaDBBind]] = []
        for site in 0..<layout.sites {
            for k in 0..<DemoLayout.staffPerSite {
                rows.append([
                    .int(Int64(layout.staffID(site: site, k))), .string(DemoLayout.staffNames[k]),
                    .int(Int64(layout.staffUserID(site: site, k))), .string(Self.staffEmail(site, k)),
                    .string("+1 (415) 555-\(MessyData.pad(100 + (site * 3 + k) % 100, 4))"), .int(1), layout.tenantID(site: site),
                ])
            }
        }
        return DemoTableRows(
            table: prefix.bkntc("staff"), columns: ["id", "name", "user_id", "email", "phone_number", "is_active", "tenant_id"],
            rows: rows)
    }

    static let marketingPermissions = """
        {"sms_campaigns":"on","sms_campaigns_create":"on","sms_campaigns_send":"on","email_campaigns":"all",\
        "email_campaigns_create":"my","whatsapp_campaigns":"off","appointments":"on","customers":"on"}
        """
    static let receptionPermissions = #"{"sms_campaigns":"on"}"#

    private func roleManagers() -> DemoTableRows {
        var rows: [[MariaDBBind]] = []
        for site in 0..<layout.sites {
            rows.append([
                .int(Int64(site * 2 + 1)), .string("Marketing"), .string("\(layout.staffID(site: site, 0))"),
                .string(Self.marketingPermissions), .int(0), layout.tenantID(site: site),
            ])
            rows.append([
                .int(Int64(site * 2 + 2)), .string("Reception"), .string("\(layout.staffID(site: site, 1))"),
                .string(Self.receptionPermissions), .int(0), layout.tenantID(site: site),
            ])
        }
        return DemoTableRows(
            table: prefix.bkntc("user_role_managers"), columns: ["id", "name", "staff", "permissions", "is_default", "tenant_id"],
            rows: rows)
    }

    static func tenantName(_ site: Int) -> String {
        let base = DemoLayout.tenantNames[site % DemoLayout.tenantNames.count]
        return site < DemoLayout.tenantNames.count ? base : "\(base) \(site + 1)"
    }

    static func staffEmail(_ site: Int, _ k: Int) -> String { "staff\(site + 1)-\(k + 1)@example.com" }
}
