import CampaignStore
import DemoData
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
            Segment(type: .cancelledRecent), Segment(type: .cancelledRecent, days: 365),
        ]
    }

    static var filterSets: [SegmentFilters] {
        [
            SegmentFilters(), SegmentFilters(serviceIDs: [1, 2]), SegmentFilters(locationIDs: [1]),
            SegmentFilters(statuses: ["approved"]), SegmentFilters(minAppointments: 3),
            SegmentFilters(serviceIDs: [1], locationIDs: [1, 2], statuses: ["approved", "pending"], minAppointments: 2),
            SegmentFilters(excludeSuppressed: false),
        ]
    }

    @Test func everySegmentFilterChannelAndTenantMatchesThePlainSwiftEvaluation() async throws {
        let fixture = try await AudienceFixture.make("audience")
        try await TestDatabase.dropping(fixture.pool) {
            // Suppress a few real recipients so exclusion is exercised.
            try await fixture.pool.withConnection { db in
                for (channel, address) in [("sms", "+447700900010"), ("email", "exact.recent@example.com"), ("sms", "+447700900006")] {
                    try await db.execute(
                        "INSERT INTO wpx_bkntc_campaign_suppressions (tenant_id, tenant_key, channel, address, created_at) VALUES (1, 1, \(channel), \(address), UTC_TIMESTAMP())")
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
                AudienceDefinition(channel: .sms, segment: Segment(type: .allCustomers), scope: .tenant(1), countryCode: "44"), compiler: Self.compiler)
            #expect(national[900_012] == "+447911555012")
            // Tenant isolation: tenant 2 never sees tenant 1's customers.
            let tenantOneIDs = Set(try await fixture.customers().filter { $0.tenant == 1 }.map(\.id))
            let tenantTwo = try await fixture.actual(
                AudienceDefinition(channel: .email, segment: Segment(type: .allCustomers), scope: .tenant(2), countryCode: "44"), compiler: Self.compiler)
            #expect(!tenantTwo.isEmpty)
            #expect(Set(tenantTwo.keys).isDisjoint(with: tenantOneIDs))
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
                        "INSERT INTO wpx_bkntc_customers (id, phone_number, email, tenant_id) VALUES (\(index + 1), \(index < phones.count ? phones[index] : nil), \(index < emails.count ? emails[index] : nil), NULL)")
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
