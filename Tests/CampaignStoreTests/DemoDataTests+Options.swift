import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport
import Testing

/// Seeds, modes, regions and refused options of the generator, and its optional benchmark.
extension DemoDataTests {
    @Test func sameSeedGivesIdenticalRowsAndAnotherSeedDoesNot() async throws {
        try await withDemoDatabase { pool in
            let generator = DemoDataGenerator(pool: pool, prefix: Self.prefix, logger: TestDatabase.logger)
            let options = DemoDataOptions(tenants: 2, customers: 400, appointments: 2500, seed: 7, now: Self.now)
            try await generator.generate(options)
            let first = try await Self.fingerprint(pool)
            // The second run also exercises clearing the tables it filled before.
            try await generator.generate(options)
            let second = try await Self.fingerprint(pool)
            #expect(first == second)
            var other = options
            other.seed = 8
            try await generator.generate(other)
            let third = try await Self.fingerprint(pool)
            #expect(third.customers != first.customers)
            #expect(third.appointments != first.appointments)
            #expect(try await pool.withConnection { try await $0.count("SELECT COUNT(*) FROM \(identifier: Self.prefix.bkntc("customers"))") } == 400)
        }
    }

    @Test func nonSaaSRunHasNoTenants() async throws {
        try await withDemoDatabase { pool in
            let p = Self.prefix
            let summary = try await DemoDataGenerator(pool: pool, prefix: p, logger: TestDatabase.logger).generate(
                DemoDataOptions(tenants: 0, customers: 300, appointments: 1500, seed: 3, now: Self.now))
            #expect(summary.tenants == 0 && summary.customers == 300 && summary.appointments == 1500)
            #expect(summary.users == 1 + 3 + 2)
            try await pool.withConnection { db async throws in
                // No tenants table at all: without BKNTC_SAAS the service detects a single site.
                #expect(
                    try await db.count(
                        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \(p.bareName("tenants"))")
                        == 0)
                #expect(
                    try await db.count(
                        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \(p.bareName("plans"))") == 0
                )
                for table in ["customers", "appointments", "services", "locations", "staff", "user_role_managers"] {
                    #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: p.bkntc(table)) WHERE tenant_id IS NOT NULL") == 0, "\(table)")
                    #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: p.bkntc(table))") > 0, "\(table)")
                }
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: p.bkntc("customers"))") == 300)
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: p.bkntc("appointments"))") == 1500)
                #expect(try await db.count("SELECT COUNT(*) FROM \(identifier: p.wordpress("options")) WHERE option_name LIKE 'bkntc\\_t%'") == 0)
            }
        }
    }

    /// A British demo: every number a customer typed (international or national) is a UK
    /// mobile once read with country 44, the numbers are as distinct as in the mixed data, and
    /// prices are in pounds. The mixed data, read the same way, turns US numbers into +44….
    @Test func theUKRegionHasOnlyUKNumbersAndPounds() async throws {
        try await withDemoDatabase { pool in
            let p = Self.prefix
            _ = try await DemoDataGenerator(pool: pool, prefix: p, logger: TestDatabase.logger).generate(
                DemoDataOptions(tenants: 0, customers: 1_500, appointments: 100, seed: 5, now: Self.now, region: .uk))
            let normalizer = AddressNormalizer(defaultCountryCode: "44")
            try await pool.withConnection { db async throws in
                let phones: [String?] = try await db.query("SELECT phone_number FROM \(identifier: p.bkntc("customers"))").map {
                    try $0.decode("phone_number")
                }
                let valid = phones.compactMap { normalizer.normalizePhone($0) }
                #expect(valid.count > 1_000, "most customers have a number: \(valid.count)")
                #expect(
                    valid.allSatisfy { $0.hasPrefix("+447700") && $0.count == 13 },
                    "\(valid.filter { !$0.hasPrefix("+447700") || $0.count != 13 }.prefix(5))")
                let currency: String? = try await db.queryFirst(
                    "SELECT option_value FROM \(identifier: p.wordpress("options")) WHERE option_name = 'bkntc_currency'")?.decode("option_value")
                #expect(currency == "GBP")
            }
        }
    }

    @Test func refusesImpossibleOptions() async throws {
        try await withDemoDatabase { pool in
            let generator = DemoDataGenerator(pool: pool, prefix: Self.prefix, logger: TestDatabase.logger)
            await #expect(throws: DemoDataError.self) {
                try await generator.generate(DemoDataOptions(tenants: 1, customers: 0, appointments: 10, now: Self.now))
            }
            await #expect(throws: DemoDataError.self) {
                try await generator.generate(DemoDataOptions(tenants: -1, now: Self.now))
            }
        }
    }

    /// `BKNTC_DEMO_BENCH=1`: 100 000 customers and 1 000 000 appointments, timed.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BKNTC_DEMO_BENCH"] == "1"))
    func benchmarkHundredThousandCustomersAndAMillionAppointments() async throws {
        try await withDemoDatabase { pool in
            let cpuBefore = Self.processCPUSeconds()
            let summary = try await DemoDataGenerator(pool: pool, prefix: Self.prefix, logger: TestDatabase.logger).generate(
                DemoDataOptions(tenants: 5, customers: 100_000, appointments: 1_000_000, seed: 42, now: Self.now))
            let rows = summary.customers + summary.appointments
            print(
                String(
                    format: "demo data: %d rows in %.2f s = %.0f rows/s (client CPU %.2f s)", rows, summary.seconds,
                    Double(rows) / summary.seconds, Self.processCPUSeconds() - cpuBefore))
            #expect(
                try await pool.withConnection {
                    try await $0.count("SELECT COUNT(*) FROM \(identifier: Self.prefix.bkntc("appointments"))")
                } == 1_000_000)
            #expect(summary.seconds < 60)
        }
    }
}
