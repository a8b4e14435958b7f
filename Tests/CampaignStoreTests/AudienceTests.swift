import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport
import Testing

@Suite("Audience: compiled SQL equals DESIGN §5", .serialized)
struct AudienceTests {
    static let compiler = AudienceCompiler(tables: AudienceFixture.prefix.audienceTables)
    static let normalizer = AddressNormalizer(defaultCountryCode: "44")

    static var segments: [Segment] {
        [
            Segment(type: .allCustomers), Segment(type: .allAppointments), Segment(type: .recentBookers, days: 7),
            Segment(type: .recentBookers, days: 30), Segment(type: .recentBookers, days: 90), Segment(type: .upcoming, days: 7),
            Segment(type: .upcoming, days: 30), Segment(type: .upcoming, days: 365), Segment(type: .firstTime), Segment(type: .repeat),
            Segment(type: .lapsed, days: 90), Segment(type: .lapsed, days: 180), Segment(type: .lapsed, days: 3650),
            Segment(type: .cancelledRecent), Segment(type: .cancelledRecent, days: 365), Segment(type: .birthday),
            Segment(type: .birthday, days: 7), Segment(type: .birthday, days: 31),
        ]
    }

    static var filterSets: [SegmentFilters] {
        [
            SegmentFilters(), SegmentFilters(serviceIDs: [1, 2]), SegmentFilters(locationIDs: [1]),
            SegmentFilters(statuses: ["approved"]), SegmentFilters(minAppointments: 3),
            SegmentFilters(serviceIDs: [1], locationIDs: [1, 2], statuses: ["approved", "pending"], minAppointments: 2),
            SegmentFilters(excludeSuppressed: false), SegmentFilters(categoryIDs: [1, 2]),
            SegmentFilters(serviceIDs: [1, 2], statuses: ["approved"], categoryIDs: [3]),
        ]
    }

    @Test func everySegmentFilterChannelAndTenantMatchesThePlainSwiftEvaluation() async throws {
        let fixture = try await AudienceFixture.make("audience")
        try await TestDatabase.dropping(fixture.pool) {
            // Suppress a few real recipients so exclusion is exercised.
            try await fixture.pool.withConnection { db in
                for (channel, address) in [("sms", "+447700900010"), ("email", "exact.recent@example.com"), ("sms", "+447700900006")] {
                    try await db.execute(
                        "INSERT INTO wpx_bkntc_campaign_suppressions (tenant_id, tenant_key, channel, address, created_at) VALUES (1, 1, \(channel), \(address), UTC_TIMESTAMP())"
                    )
                }
            }
            let customers = try await fixture.customers()
            let appointments = try await fixture.appointments()
            var compared = 0
            var nonEmpty = 0
            for scope in [TenantScope.tenant(1), .tenant(2)] {
                for channel in Channel.allCases {
                    let suppressed = try await fixture.suppressed(scope, channel)
                    for segment in Self.segments {
                        for filters in Self.filterSets {
                            let audience = AudienceDefinition(channel: channel, segment: segment, filters: filters, scope: scope, countryCode: "44")
                            let expected = AudienceFixture.expected(
                                audience, customers: customers, appointments: appointments, suppressed: suppressed,
                                normalizer: Self.normalizer)
                            let actual = try await fixture.actual(audience, compiler: Self.compiler)
                            #expect(actual == expected, "\(scope) \(channel) \(segment) \(filters)")
                            compared += 1
                            if !expected.isEmpty { nonEmpty += 1 }
                        }
                    }
                }
            }
            #expect(compared == 2 * 3 * Self.segments.count * Self.filterSets.count)
            #expect(nonEmpty > compared / 2, "the data should make most audiences non-empty")
        }
    }

    @Test func boundariesAreExactlyAsSpecified() async throws {
        let fixture = try await AudienceFixture.make("bounds")
        try await TestDatabase.dropping(fixture.pool) {
            func ids(_ segment: Segment, _ channel: Channel = .sms) async throws -> Set<Int> {
                let audience = AudienceDefinition(channel: channel, segment: segment, scope: .tenant(1), countryCode: "44")
                return Set(try await fixture.actual(audience, compiler: Self.compiler).keys.filter { $0 > 900_000 })
            }
            #expect(try await ids(Segment(type: .recentBookers, days: 30)).isSuperset(of: [900_001]))
            #expect(!(try await ids(Segment(type: .recentBookers, days: 30))).contains(900_002))
            #expect(try await ids(Segment(type: .upcoming, days: 7)).contains(900_003))
            #expect(!(try await ids(Segment(type: .upcoming, days: 7))).contains(900_004))
            let firstTime = try await ids(Segment(type: .firstTime))
            #expect(firstTime.contains(900_005))
            #expect(!firstTime.contains(900_006))
            let repeatCustomers = try await ids(Segment(type: .repeat))
            #expect(repeatCustomers.contains(900_006))
            #expect(!repeatCustomers.contains(900_007))
            #expect(try await ids(Segment(type: .lapsed, days: 90)).contains(900_008))
            #expect(try await ids(Segment(type: .cancelledRecent, days: 30)).contains(900_009))
            // Two customers with the same number written differently: one recipient, the lower id.
            let all = try await ids(Segment(type: .allCustomers))
            #expect(all.contains(900_010))
            #expect(!all.contains(900_011))
            // The same for email, case-insensitively.
            let emails = try await ids(Segment(type: .allCustomers), .email)
            #expect(emails.contains(900_010) && !emails.contains(900_011))
            // A national number gets the default country code.
            let national = try await fixture.actual(
                AudienceDefinition(channel: .sms, segment: Segment(type: .allCustomers), scope: .tenant(1), countryCode: "44"),
                compiler: Self.compiler)
            #expect(national[900_012] == "+447911555012")
            // Tenant isolation: tenant 2 never sees tenant 1's customers.
            let tenantOneIDs = Set(try await fixture.customers().filter { $0.tenant == 1 }.map(\.id))
            let tenantTwo = try await fixture.actual(
                AudienceDefinition(channel: .email, segment: Segment(type: .allCustomers), scope: .tenant(2), countryCode: "44"),
                compiler: Self.compiler)
            #expect(!tenantTwo.isEmpty)
            #expect(Set(tenantTwo.keys).isDisjoint(with: tenantOneIDs))
        }
    }

    @Test func birthdaysFollowTheTenantsCalendarAcrossTheYearsEndAndTheLeapDay() async throws {
        let fixture = try await AudienceFixture.make("birthday")
        try await TestDatabase.dropping(fixture.pool) {
            let customers = try await fixture.customers()
            let appointments = try await fixture.appointments()
            let zones = ["UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Australia/Sydney"].map { TimeZone(identifier: $0)! }
            let nows = [
                AudienceFixture.now, 1_803_816_000 /* 2027-02-28T12:00Z */, 1_835_352_000 /* 2028-02-28T12:00Z */,
                1_835_438_400 /* 2028-02-29T12:00Z */, 1_767_096_000, /* 2025-12-30T12:00Z */
            ]
            var compared = 0
            for zone in zones {
                for now in nows {
                    for days in [0, 1, 3, 31] {
                        let audience = AudienceDefinition(
                            channel: .sms, segment: Segment(type: .birthday, days: days), scope: .tenant(1), countryCode: "44",
                            timeZone: zone)
                        let expected = AudienceFixture.expected(
                            audience, customers: customers, appointments: appointments, suppressed: [], normalizer: Self.normalizer,
                            now: now)
                        let actual = try await fixture.actual(audience, compiler: Self.compiler, now: now)
                        #expect(actual == expected, "\(zone.identifier) \(now) \(days)")
                        compared += 1
                    }
                }
            }
            #expect(compared == 80)
            func ids(_ now: Int, _ zone: String, days: Int = 0) async throws -> Set<Int> {
                let audience = AudienceDefinition(
                    channel: .sms, segment: Segment(type: .birthday, days: days), scope: .tenant(1), countryCode: "44",
                    timeZone: TimeZone(identifier: zone)!)
                return Set(try await fixture.actual(audience, compiler: Self.compiler, now: now).keys.filter { $0 > 910_000 })
            }
            // 2026-01-01T00:00Z is New Year's Day in UTC but still 31 December in Los Angeles.
            #expect(try await ids(AudienceFixture.now, "UTC") == [910_002])
            #expect(try await ids(AudienceFixture.now, "America/Los_Angeles") == [910_001, 910_009])
            // From 30 December, 3 days ahead: 30, 31 December, 1 and 2 January (single-digit text too).
            #expect(try await ids(1_767_096_000, "UTC", days: 3) == [910_008, 910_001, 910_009, 910_002, 910_007])
            // 28 February 2027 (a common year) also celebrates 29 February; an impossible date never counts.
            #expect(try await ids(1_803_816_000, "UTC") == [910_003, 910_015])
            // In a leap year 29 February is its own day.
            #expect(try await ids(1_835_352_000, "UTC") == [910_015])
            #expect(try await ids(1_835_438_400, "UTC") == [910_003])
        }
    }

    @Test func birthdatesStoredAsDatesWithZeroDatesAndNulls() async throws {
        let pool = try await TestDatabase.create("birthdate_date")
        try await TestDatabase.dropping(pool) {
            try await BookneticFixture.install(pool: pool, prefix: AudienceFixture.prefix)
            try await Migrator(pool: pool, prefix: AudienceFixture.prefix, logger: TestDatabase.logger).migrate()
            try await pool.withConnection { db in
                try await db.execute("SET SESSION sql_mode = ''")
                for (id, birthdate) in [(1, "1990-01-01"), (2, "0000-00-00"), (3, nil), (4, "1984-01-01"), (5, "1990-01-02")] as [(Int, String?)] {
                    try await db.execute(
                        """
                        INSERT INTO wpx_bkntc_customers (id, first_name, phone_number, birthdate, created_at)
                        VALUES (\(id), 'D', \("+4477009000\(10 + id)"), \(birthdate), '2025-01-01')
                        """)
                }
            }
            let audience = AudienceDefinition(channel: .sms, segment: Segment(type: .birthday), scope: .singleSite, countryCode: "44")
            let query = Self.compiler.recipients(audience, now: AudienceFixture.now)
            let found = try await pool.withConnection { db in
                Set(try await db.query(query).map { try $0.decode("id", as: Int.self) })
            }
            #expect(found == [1, 4])
            // The snapshot reads the same DATE column under the service's strict session.
            let insert = Self.compiler.snapshot(
                audience, now: AudienceFixture.now, logsTable: "wpx_bkntc_campaign_logs", campaignID: 1, run: 1, createdAt: Date())
            let inserted = try await pool.withConnection { db in try await db.execute(insert).affectedRows }
            #expect(inserted == 2)
        }
    }

    @Test func sqlNormalizationAgreesWithTheSwiftNormalizer() async throws {
        let pool = try await TestDatabase.create("normalize")
        try await TestDatabase.dropping(pool) {
            try await BookneticFixture.install(pool: pool, prefix: AudienceFixture.prefix)
            try await Migrator(pool: pool, prefix: AudienceFixture.prefix, logger: TestDatabase.logger).migrate()
            let phones: [String?] = [
                "+44 7700 900123", "0044 7700 900124", "07700 900125", "(0)7700-900126", "+1 (415) 555-0101", "+1.415.555.0102",
                "555", "call me", "", nil, "   ", "+", "00", "0", "+12345678", "+1234567", "+123456789012345", "+1234567890123456",
                "\t+44 7700 900127\n", "+44 7700 900128 ext 5", "++447700900129", "+44-7700-900130", "0033 6 12 34 56 78",
                "06 12 34 56 78", "7700900131", "+44 (0) 7700 900132", "+٤٤٧٧٠٠٩٠٠١٣٣", "+44 7700 9OO134", "00 44 7700 900135",
                "+44/7700/900136", "0044 7700 900123", "+4477009001 37", "(555) 123-4567", "+447700900138;", "+44 7700\u{00A0}900139",
            ]
            let emails: [String?] = [
                "Ann@Example.COM", " bob@example.com ", "bob@", "no-at-sign", "a@b", "a@b.c", "x@-bad.com", "x@bad-.com",
                "first.last+tag@sub.example.co.uk", "zoë@example.com", "two@@example.com", "a@b@c.com", "", nil,
                String(repeating: "l", count: 64) + "@example.com", String(repeating: "l", count: 65) + "@example.com",
                "UPPER@EXAMPLE.ORG", "weird!#$%&'*+/=?^_`{|}~-@example.com", "tab\t@example.com", "ann@example.com",
            ]
            try await pool.withConnection { db in
                for index in 0..<max(phones.count, emails.count) {
                    try await db.execute(
                        "INSERT INTO wpx_bkntc_customers (id, phone_number, email, tenant_id) VALUES (\(index + 1), \(index < phones.count ? phones[index] : nil), \(index < emails.count ? emails[index] : nil), NULL)"
                    )
                }
            }
            let fixture = AudienceFixture(pool: pool)
            let customers = try await fixture.customers()
            for channel in Channel.allCases {
                for countryCode in ["44", nil] as [String?] {
                    let compiler = AudienceCompiler(tables: AudienceFixture.prefix.audienceTables)
                    let audience = AudienceDefinition(
                        channel: channel, segment: Segment(type: .allCustomers), scope: .singleSite, countryCode: countryCode)
                    let expected = AudienceFixture.expected(
                        audience, customers: customers, appointments: [], suppressed: [],
                        normalizer: AddressNormalizer(defaultCountryCode: countryCode))
                    let actual = try await fixture.actual(audience, compiler: compiler)
                    #expect(actual == expected, "\(channel) cc=\(countryCode ?? "none")")
                    #expect(actual.count >= 5)
                }
            }
        }
    }
}
