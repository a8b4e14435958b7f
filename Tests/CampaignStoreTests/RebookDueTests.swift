import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport
import Testing

@Suite("rebook_due: compiled SQL equals DESIGN §19", .serialized)
struct RebookDueTests {
    static let compiler = AudienceCompiler(tables: AudienceFixture.prefix.audienceTables)
    static let normalizer = AddressNormalizer(defaultCountryCode: "44")
    static let now = AudienceFixture.now

    static let rules: [RebookRule] = [
        RebookRule(), RebookRule(factor: 0.5, windowDays: 1, minVisits: 2), RebookRule(factor: 1.3, windowDays: 30, minVisits: 4),
        RebookRule(factor: 3, windowDays: 90, minVisits: 10), RebookRule(factor: 2, windowDays: 14, minVisits: 2),
    ]

    static func segment(_ rule: RebookRule) -> Segment {
        Segment(type: .rebookDue, factor: rule.factor, windowDays: rule.windowDays, minVisits: rule.minVisits)
    }

    /// Messy generated data for two tenants plus the edge customers, at several instants.
    @Test func everyRuleFilterChannelAndTenantMatchesThePlainSwiftEvaluation() async throws {
        let fixture = try await AudienceFixture.make("rebook")
        try await TestDatabase.dropping(fixture.pool) {
            try await RebookDueFixture.addEdges(fixture.pool, now: Self.now)
            let customers = try await fixture.customers()
            let appointments = try await fixture.appointments()
            let visits = try await RebookDueFixture.visits(fixture.pool)
            let filterSets = [
                SegmentFilters(), SegmentFilters(serviceIDs: [1, 2]), SegmentFilters(statuses: ["approved"], minAppointments: 2),
                SegmentFilters(categoryIDs: [1, 2]),
            ]
            var compared = 0
            var found = 0
            for now in [Self.now, Self.now - 86_400 * 45 + 7, Self.now + 86_400 * 30] {
                for scope in [TenantScope.tenant(1), .tenant(2)] {
                    for rule in Self.rules {
                        let due = RebookDueFixture.due(visits, scope: scope, rule: rule, now: now)
                        for channel in [Channel.sms, .email] {
                            for filters in filterSets {
                                let audience = AudienceDefinition(
                                    channel: channel, segment: Self.segment(rule), filters: filters, scope: scope, countryCode: "44")
                                let expected = AudienceFixture.expected(
                                    audience, customers: customers, appointments: appointments, suppressed: [], normalizer: Self.normalizer,
                                    now: now, included: { due[$0] != nil })
                                let actual = try await fixture.actual(audience, compiler: Self.compiler, now: now)
                                #expect(actual == expected, "\(now) \(scope) \(rule) \(channel) \(filters)")
                                compared += 1
                                found += expected.count
                            }
                        }
                    }
                }
            }
            #expect(compared == 3 * 2 * Self.rules.count * 2 * filterSets.count)
            #expect(found > compared, "the data should make audiences non-empty")
        }
    }

    @Test func edgesAreExactlyAsSpecified() async throws {
        let fixture = try await AudienceFixture.make("rebook_edges")
        try await TestDatabase.dropping(fixture.pool) {
            try await RebookDueFixture.addEdges(fixture.pool, now: Self.now)
            func ids(_ rule: RebookRule = RebookRule()) async throws -> Set<Int> {
                let audience = AudienceDefinition(channel: .sms, segment: Self.segment(rule), scope: .tenant(1), countryCode: "44")
                return Set(try await fixture.actual(audience, compiler: Self.compiler).keys.filter { $0 > 920_000 })
            }
            #expect(
                try await ids() == [920_001, 920_004, 920_005, 920_006, 920_008, 920_010, 920_014, 920_015, 920_020, 920_021, 920_022])
            // With four visits needed, three-visit customers fall back on their last service:
            // 920_010's tie goes to service 78, which has too few gaps.
            let fourVisits = try await ids(RebookRule(minVisits: 4))
            #expect(fourVisits.isSuperset(of: [920_014, 920_015]))
            #expect(!fourVisits.contains(920_010))
            // Twice as late: nobody above is due yet except those a long window still holds.
            #expect(try await ids(RebookRule(factor: 2, windowDays: 1)).isEmpty)
        }
    }

    /// The preview (through the repository, with `due_at`) and the send-time snapshot give the
    /// same set as the plain evaluation.
    @Test func previewCarriesDueAtAndTheSnapshotFreezesTheSameSet() async throws {
        let fixture = try await AudienceFixture.make("rebook_snapshot")
        try await TestDatabase.dropping(fixture.pool) {
            try await RebookDueFixture.addEdges(fixture.pool, now: Self.now)
            let clock = ManualClock(Date(timeIntervalSince1970: TimeInterval(Self.now)))
            let prefix = AudienceFixture.prefix
            let settings = MariaDBSiteSettings(pool: fixture.pool, prefix: prefix, fallbackCountryCode: "44", clock: clock)
            let repository = MariaDBAudienceRepository(pool: fixture.pool, prefix: prefix, settings: settings, clock: clock)
            let visits = try await RebookDueFixture.visits(fixture.pool)
            for rule in [RebookRule(), RebookRule(factor: 1.3, windowDays: 30, minVisits: 2)] {
                let audience = AudienceDefinition(channel: .email, segment: Self.segment(rule), scope: .tenant(1), countryCode: "44")
                let due = RebookDueFixture.due(visits, scope: .tenant(1), rule: rule, now: Self.now)
                let preview = try await repository.preview(audience, sampleSize: 10_000)
                #expect(preview.count == preview.sample.count)
                #expect(preview.sample.count > 8)
                for recipient in preview.sample {
                    #expect(recipient.dueAt == due[recipient.customerID].map { Int($0.rounded(.down)) }, "\(recipient.customerID)")
                }
                let insert = Self.compiler.snapshot(
                    audience, now: Self.now, logsTable: "wpx_bkntc_campaign_logs", campaignID: 1, run: rule.minVisits, createdAt: Date())
                let frozen = try await fixture.pool.withConnection { db in
                    _ = try await db.execute(insert)
                    return try await db.query("SELECT customer_id FROM wpx_bkntc_campaign_logs WHERE run = \(rule.minVisits)").map {
                        try $0.decode("customer_id", as: Int.self)
                    }
                }
                #expect(frozen.sorted() == preview.sample.map(\.customerID).sorted())
            }
            #expect(
                try await repository.preview(
                    AudienceDefinition(channel: .sms, segment: Segment(type: .lapsed), scope: .tenant(1)), sampleSize: 5
                ).sample.allSatisfy {
                    $0.dueAt == nil
                })
        }
    }
}
