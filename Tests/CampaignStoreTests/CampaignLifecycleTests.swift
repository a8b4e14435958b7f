import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport
import Testing

@Suite("Campaign repository against MariaDB", .serialized)
struct CampaignRepositoryTests {
    static let now = Date(timeIntervalSince1970: TimeInterval(AudienceFixture.now))
    static let admin = CapabilitySet.everything(planChannels: nil)
    static let send = AccessCheck(.send, in: admin)

    struct Setup {
        let fixture: AudienceFixture
        let campaigns: MariaDBCampaignRepository
        let audience: MariaDBAudienceRepository
        let settings: MariaDBSiteSettings
        let clock: ManualClock
        var pool: MariaDBPool { fixture.pool }
    }

    /// A fixture database with repositories on it; the database is dropped afterwards.
    func withSetUp(_ label: String, _ body: (Setup) async throws -> Void) async throws {
        let fixture = try await AudienceFixture.make(label)
        try await TestDatabase.dropping(fixture.pool) {
            try await body(Self.repositories(fixture.pool, fixture: fixture))
        }
    }

    static func repositories(_ pool: MariaDBPool, fixture: AudienceFixture) -> Setup {
        let clock = ManualClock(Self.now)
        let settings = MariaDBSiteSettings(pool: pool, prefix: AudienceFixture.prefix, fallbackCountryCode: "44", clock: clock)
        return Setup(
            fixture: fixture,
            campaigns: MariaDBCampaignRepository(pool: pool, prefix: AudienceFixture.prefix, settings: settings, clock: clock),
            audience: MariaDBAudienceRepository(pool: pool, prefix: AudienceFixture.prefix, settings: settings, clock: clock),
            settings: settings, clock: clock)
    }

    func draft(_ channel: Channel = .sms, segment: Segment = Segment(type: .allCustomers), scheduledAt: Date? = nil) -> CampaignDraft {
        CampaignDraft(
            channel: channel, name: "Spring offer", segment: segment, subject: channel == .email ? "Hi" : nil,
            body: "Hi {customer_first_name}", scheduledAt: scheduledAt)
    }

    func logRows(_ pool: MariaDBPool, _ id: Int) async throws -> [(address: String, status: String)] {
        try await pool.withConnection { db in
            try await db.query("SELECT address, status FROM wpx_bkntc_campaign_logs WHERE campaign_id = \(id) ORDER BY id").map {
                (try $0.decode("address"), try $0.decode("status"))
            }
        }
    }

    func stored(_ setup: Setup, _ scope: TenantScope, _ id: Int) async throws -> Campaign? {
        do {
            return try await setup.campaigns.view(scope: scope, id: id, access: AccessCheck(.read, in: Self.admin)).campaign
        } catch DomainError.notFound {
            return nil
        }
    }

    @Test func sendSnapshotsExactlyWhatPreviewShowedIncludingDedupAndSuppression() async throws {
        try await withSetUp("snapshot") { setup in
            let scope = TenantScope.tenant(1)
            let suppressions = MariaDBSuppressionRepository(pool: setup.pool, prefix: AudienceFixture.prefix, clock: setup.clock)
            _ = try await suppressions.add(scope: scope, channel: .sms, address: "+447700900010", reason: "asked", source: .manual, by: nil)
            for channel in Channel.allCases {
                let campaign = try await setup.campaigns.create(scope: scope, draft: draft(channel), createdBy: 1).campaign
                let preview = try await setup.audience.preview(campaign.audience(in: scope), sampleSize: 100_000)
                let sent = try await setup.campaigns.send(scope: scope, id: campaign.id, access: Self.send, by: nil)
                #expect(sent.campaign.status == .queued)
                #expect(sent.campaign.totalCount == preview.count)
                #expect(sent.progress.pending == preview.count && sent.progress.total == preview.count)
                // The answer built in memory equals what a later read finds.
                #expect(try await stored(setup, scope, campaign.id) == sent.campaign)
                let rows = try await logRows(setup.pool, campaign.id)
                #expect(rows.map(\.address) == preview.sample.map(\.address))
                #expect(rows.allSatisfy { $0.status == "pending" })
                #expect(Set(rows.map { $0.address.lowercased() }).count == rows.count, "addresses are unique")
                if channel == .sms { #expect(!rows.map(\.address).contains("+447700900010")) }
                let progress = try await setup.campaigns.progress(scope: scope, id: campaign.id, run: nil, access: AccessCheck(.read, in: Self.admin))
                    .progress
                #expect(progress.total == preview.count && progress.pending == preview.count && progress.sent == 0)
            }
        }
    }

    @Test func aSendTakesOneLease() async throws {
        try await withSetUp("leases") { setup in
            let scope = TenantScope.tenant(1)
            _ = try await setup.settings.defaultCountryCode(scope: scope)  // warm the settings cache
            let campaign = try await setup.campaigns.create(scope: scope, draft: draft(.email), createdBy: 1).campaign
            let before = await setup.pool.statistics()
            _ = try await setup.campaigns.send(scope: scope, id: campaign.id, access: Self.send, by: nil)
            let after = await setup.pool.statistics()
            #expect(after.leases - before.leases == 1)
            // SELECT … FOR UPDATE, INSERT … SELECT, UPDATE and the audit entry's INSERT (plus autocommit
            // and commit calls, not statements).
            #expect(after.statements - before.statements == 4)
            let audit = try await setup.pool.withConnection { db in
                try await db.queryFirst(
                    "SELECT action, object_id, user_id, detail FROM wpx_bkntc_campaign_audit WHERE object_type = 'campaign' ORDER BY id DESC LIMIT 1")
            }
            #expect(try audit?.decode("action", as: String.self) == "send" && audit?.decode("object_id", as: Int.self) == campaign.id)
            #expect(try audit?.decode("detail", as: String.self).contains("\"recipients\":") == true)
        }
    }

    @Test func theCapabilityIsCheckedOnTheLockedRow() async throws {
        try await withSetUp("stale") { setup in
            let scope = TenantScope.tenant(1)
            let smsOnly = CapabilitySet(granted: ["sms_campaigns_send", "sms_campaigns_delete", "sms_campaigns_create"], planChannels: nil)
            let campaign = try await setup.campaigns.create(scope: scope, draft: draft(.sms), createdBy: 1).campaign
            // What the caller saw was SMS; meanwhile someone else made it an email campaign.
            try await setup.pool.withConnection { db in
                try await db.execute("UPDATE wpx_bkntc_campaigns SET channel = 'email', subject = 'Hi' WHERE id = \(campaign.id)")
            }
            for attempt in [
                { try await setup.campaigns.send(scope: scope, id: campaign.id, access: AccessCheck(.send, in: smsOnly), by: nil) },
                {
                    try await setup.campaigns.update(
                        scope: scope, id: campaign.id, draft: draft(.sms), access: AccessCheck(.create, in: smsOnly), by: nil)
                },
                { try await setup.campaigns.duplicate(scope: scope, id: campaign.id, createdBy: 2, access: AccessCheck(.create, in: smsOnly)) },
            ] as [@Sendable () async throws -> CampaignView] {
                do {
                    _ = try await attempt()
                    Issue.record("an SMS-only user acted on an email campaign")
                } catch DomainError.forbidden(let code, let message) {
                    #expect(code == .capability)
                    #expect(message.contains("email_campaigns"))
                }
            }
            await #expect(throws: DomainError.self) {
                try await setup.campaigns.delete(scope: scope, id: campaign.id, access: AccessCheck(.delete, in: smsOnly), by: nil)
            }
            let after = try #require(try await stored(setup, scope, campaign.id))
            #expect(after.status == .draft && after.channel == .email)
            #expect(try await logRows(setup.pool, campaign.id).isEmpty)
        }
    }

    @Test func aChannelChangeRacingASendNeverLetsTheWrongCapabilitySend() async throws {
        try await withSetUp("race") { setup in
            let scope = TenantScope.tenant(1)
            let smsOnly = AccessCheck(.send, in: CapabilitySet(granted: ["sms_campaigns_send"], planChannels: nil))
            for _ in 0..<15 {
                let campaign = try await setup.campaigns.create(scope: scope, draft: draft(.sms), createdBy: 1).campaign
                async let edit: Void = {
                    _ = try? await setup.campaigns.update(
                        scope: scope, id: campaign.id, draft: draft(.email), access: AccessCheck(.create, in: Self.admin), by: nil)
                }()
                async let send = try? await setup.campaigns.send(scope: scope, id: campaign.id, access: smsOnly, by: nil)
                _ = await (edit, send)
                let final = try #require(try await stored(setup, scope, campaign.id))
                if final.channel == .email {
                    #expect(final.currentRun == 0 && final.status == .draft, "an SMS-only user sent an email campaign")
                }
            }
        }
    }

    @Test func concurrentSendsAndPreviewsOnAPoolOfTwoAllFinish() async throws {
        let fixture = try await AudienceFixture.make("deadlock")
        try await TestDatabase.dropping(fixture.pool) {
            // A pool of 2 and cold caches: every send and preview needs the tenant's settings.
            var configuration = fixture.pool.configuration
            configuration.maxConnections = 2
            configuration.acquireTimeout = 30
            let small = MariaDBPool(configuration: configuration, logger: TestDatabase.logger)
            let setup = Self.repositories(small, fixture: fixture)
            var ids: [(TenantScope, Int)] = []
            for index in 0..<10 {
                let scope = TenantScope.tenant(index % 2 + 1)
                ids.append((scope, try await setup.campaigns.create(scope: scope, draft: draft(.sms), createdBy: 1).campaign.id))
            }
            let cold = Self.repositories(small, fixture: fixture)  // new settings cache: cold
            let started = ContinuousClock.now
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (scope, id) in ids {
                    group.addTask { try await cold.campaigns.send(scope: scope, id: id, access: Self.send, by: nil).campaign.status == .queued }
                    group.addTask {
                        let preview = try await cold.audience.preview(
                            AudienceDefinition(channel: .sms, segment: Segment(type: .allCustomers), scope: scope), sampleSize: 5)
                        return preview.count > 0
                    }
                }
                var all: [Bool] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.count == 20 && outcomes.allSatisfy { $0 })
            #expect(ContinuousClock.now - started < .seconds(30))
            let stats = await small.statistics()
            #expect(stats.inUse == 0 && stats.waiting == 0)
            await small.close()
        }
    }

    @Test func tenConcurrentSendsProduceOneSnapshot() async throws {
        try await withSetUp("concurrent") { setup in
            let scope = TenantScope.tenant(1)
            let campaign = try await setup.campaigns.create(scope: scope, draft: draft(.email), createdBy: 1).campaign
            let outcomes = await withTaskGroup(of: String.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        do {
                            return try await setup.campaigns.send(scope: scope, id: campaign.id, access: Self.send, by: nil).campaign.status.rawValue
                        } catch let error as DomainError {
                            if case .conflict(let code, _) = error { return code.rawValue }
                            return "\(error)"
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                var all: [String] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { $0 == "queued" }.count == 1)
            #expect(outcomes.filter { $0 == "campaign_already_sent" }.count == 9)
            let stored = try #require(try await stored(setup, scope, campaign.id))
            let rows = try await logRows(setup.pool, campaign.id)
            #expect(rows.count == stored.totalCount)
            #expect(stored.currentRun == 1)
        }
    }

    @Test func scheduledSendTakesNoSnapshotAndZeroRecipientsFails() async throws {
        try await withSetUp("schedule") { setup in
            let scope = TenantScope.tenant(1)
            let later = try await setup.campaigns.create(
                scope: scope, draft: draft(scheduledAt: Self.now.addingTimeInterval(3600)), createdBy: 1
            ).campaign
            let scheduled = try await setup.campaigns.send(scope: scope, id: later.id, access: Self.send, by: nil)
            #expect(scheduled.campaign.status == .scheduled)
            #expect(try await logRows(setup.pool, later.id).isEmpty)
            // When the clock passes the scheduled time, a send snapshots at once.
            setup.clock.advance(by: 7200)
            let other = try await setup.campaigns.create(scope: scope, draft: draft(), createdBy: 1).campaign
            #expect(try await setup.campaigns.send(scope: scope, id: other.id, access: Self.send, by: nil).campaign.status == .queued)
            // Nobody booked in the next day → an empty audience.
            let nobody = try await setup.campaigns.create(
                scope: .tenant(99), draft: draft(segment: Segment(type: .upcoming, days: 1)), createdBy: 1
            ).campaign
            let failed = try await setup.campaigns.send(scope: .tenant(99), id: nobody.id, access: Self.send, by: nil)
            #expect(failed.campaign.status == .failed)
            #expect(failed.campaign.statusReason == .noRecipients)
            #expect(try await stored(setup, .tenant(99), nobody.id) == failed.campaign)
        }
    }
}
