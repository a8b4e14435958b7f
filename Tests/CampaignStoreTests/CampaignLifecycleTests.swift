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

    @Test func pauseResumeCancelEditDeleteDuplicate() async throws {
        try await withSetUp("transitions") { setup in
            let campaigns = setup.campaigns
            let scope = TenantScope.tenant(1)
            let create = AccessCheck(.create, in: Self.admin)
            let delete = AccessCheck(.delete, in: Self.admin)
            let campaign = try await campaigns.create(scope: scope, draft: draft(), createdBy: 1).campaign
            let queued = try await campaigns.send(scope: scope, id: campaign.id, access: Self.send, by: nil)
            let total = queued.campaign.totalCount
            #expect(total > 10)
            await #expect(throws: DomainError.self) {
                try await campaigns.update(scope: scope, id: campaign.id, draft: draft(), access: create, by: nil)
            }
            await #expect(throws: DomainError.self) { try await campaigns.delete(scope: scope, id: campaign.id, access: delete, by: nil) }
            let paused = try await campaigns.control(scope: scope, id: campaign.id, .pause, access: Self.send, by: nil)
            #expect(paused.campaign.status == .paused && paused.progress.pending == total)
            #expect(try await campaigns.control(scope: scope, id: campaign.id, .resume, access: Self.send, by: nil).campaign.status == .queued)
            #expect(try await logRows(setup.pool, campaign.id).count == total, "pause/resume loses and adds nobody")
            // One row attempted, as the engine would: then an edit must be refused.
            try await setup.pool.withConnection { db in
                try await db.execute(
                    "UPDATE wpx_bkntc_campaign_logs SET status = 'sent', attempts = 1 WHERE campaign_id = \(campaign.id) ORDER BY id LIMIT 1")
            }
            let cancelled = try await campaigns.control(scope: scope, id: campaign.id, .cancel, access: Self.send, by: nil)
            #expect(cancelled.campaign.status == .cancelled)
            #expect(cancelled.progress.skipped == total - 1 && cancelled.progress.sent == 1)
            let rows = try await logRows(setup.pool, campaign.id)
            #expect(rows.filter { $0.status == "skipped" }.count == total - 1)
            #expect(rows.filter { $0.status == "sent" }.count == 1)
            do {
                _ = try await campaigns.update(scope: scope, id: campaign.id, draft: draft(), access: create, by: nil)
                Issue.record("editing a campaign with sends must be refused")
            } catch let error as DomainError {
                #expect(error == .conflict(.campaignHasSends, message: error.message))
            }
            // A cancelled campaign without attempts can be edited: back to draft, logs gone.
            let other = try await campaigns.create(scope: scope, draft: draft(.email), createdBy: 1).campaign
            _ = try await campaigns.send(scope: scope, id: other.id, access: Self.send, by: nil)
            _ = try await campaigns.control(scope: scope, id: other.id, .cancel, access: Self.send, by: nil)
            let edited = try await campaigns.update(scope: scope, id: other.id, draft: draft(.email), access: create, by: nil)
            #expect(edited.campaign.status == .draft)
            #expect(try await logRows(setup.pool, other.id).isEmpty)
            // Duplicate: a fresh draft without logs.
            let copy = try await campaigns.duplicate(scope: scope, id: campaign.id, createdBy: 2, access: create).campaign
            #expect(copy.name == "Spring offer (copy)")
            #expect(copy.status == .draft)
            #expect(try await logRows(setup.pool, copy.id).isEmpty)
            // Another tenant sees nothing.
            #expect(try await stored(setup, .tenant(2), campaign.id) == nil)
            await #expect(throws: DomainError.notFound("campaign")) {
                try await campaigns.send(scope: .tenant(2), id: copy.id, access: Self.send, by: nil)
            }
            try await campaigns.delete(scope: scope, id: campaign.id, access: delete, by: nil)
            #expect(try await stored(setup, scope, campaign.id) == nil)
            #expect(try await logRows(setup.pool, campaign.id).isEmpty)
        }
    }

    @Test func templatesAndSuppressions() async throws {
        try await withSetUp("content") { setup in
            let templates = MariaDBTemplateRepository(pool: setup.pool, prefix: AudienceFixture.prefix, clock: setup.clock)
            let manage = AccessCheck(.templates, in: Self.admin)
            let builtins = try await templates.list(scope: .tenant(1), channels: Set(Channel.allCases), search: nil, page: PageRequest(perPage: 100))
            #expect(builtins.total == 21)
            #expect(
                Set(builtins.items.filter { $0.channel == .email }.map(\.name)) == [
                    "Re-engagement (90 days)", "Loyal customer offer", "General announcement", "Seasonal campaign", "Happy birthday",
                    "We miss you (win-back)", "Time to book again",
                ])
            let mine = try await templates.create(
                scope: .tenant(1), draft: TemplateDraft(channel: .sms, name: "Mine", subject: nil, body: "Hello"), by: nil)
            await #expect(throws: DomainError.self) {
                try await templates.create(scope: .tenant(1), draft: TemplateDraft(channel: .sms, name: "Mine", subject: nil, body: "Again"), by: nil)
            }
            // Same name in another tenant or channel is fine.
            _ = try await templates.create(scope: .tenant(2), draft: TemplateDraft(channel: .sms, name: "Mine", subject: nil, body: "Hello"), by: nil)
            _ = try await templates.create(
                scope: .tenant(1), draft: TemplateDraft(channel: .whatsapp, name: "Mine", subject: nil, body: "Hi"), by: nil)
            #expect(try await templates.get(scope: .tenant(2), id: mine.id) == nil)
            await #expect(throws: DomainError.self) {
                try await templates.update(
                    scope: .tenant(1), id: builtins.items[0].id, draft: TemplateDraft(channel: .sms, name: "x", subject: nil, body: "y"),
                    access: manage, by: nil)
            }
            // The template's stored channel is checked, not only the draft's.
            let emailOnly = AccessCheck(.templates, in: CapabilitySet(granted: ["email_campaign_templates"], planChannels: nil))
            await #expect(throws: DomainError.self) {
                try await templates.update(
                    scope: .tenant(1), id: mine.id, draft: TemplateDraft(channel: .email, name: "Mine", subject: "S", body: "y"), access: emailOnly,
                    by: nil)
            }
            #expect(try await templates.list(scope: .tenant(1), channels: [.sms], search: "Mine", page: PageRequest()).total == 1)
            try await templates.delete(scope: .tenant(1), id: mine.id, access: manage, by: nil)

            let suppressions = MariaDBSuppressionRepository(pool: setup.pool, prefix: AudienceFixture.prefix, clock: setup.clock)
            let manageSuppressions = AccessCheck(.suppressions, in: Self.admin)
            let normalizer = AddressNormalizer(defaultCountryCode: "44")
            let first = try await suppressions.add(
                scope: .tenant(1), channel: .sms, address: normalizer.normalizePhone("07700 900555")!, reason: "STOP", source: .stopReply, by: nil)
            let again = try await suppressions.add(
                scope: .tenant(1), channel: .sms, address: normalizer.normalizePhone("+44 (7700) 900-555")!, reason: nil, source: .manual, by: nil)
            #expect(first.created && !again.created)
            #expect(first.suppression.id == again.suppression.id)
            #expect(first.suppression.source == .stopReply)
            #expect(try await suppressions.isSuppressed(scope: .tenant(1), channel: .sms, address: "+447700900555"))
            #expect(!(try await suppressions.isSuppressed(scope: .tenant(2), channel: .sms, address: "+447700900555")))
            #expect(!(try await suppressions.isSuppressed(scope: .tenant(1), channel: .whatsapp, address: "+447700900555")))
            _ = try await suppressions.add(
                scope: .tenant(1), channel: .email, address: "ann@example.com", reason: "bounced 100%", source: .manual, by: nil)
            #expect(try await suppressions.isSuppressed(scope: .tenant(1), channel: .email, address: "ANN@example.com"))
            #expect(try await suppressions.list(scope: .tenant(1), channel: nil, search: "100%", page: PageRequest()).total == 1)
            #expect(try await suppressions.list(scope: .tenant(1), channel: nil, search: "%", page: PageRequest()).total == 1)
            #expect(
                try await suppressions.list(scope: .tenant(1), channel: .sms, search: "900555", page: PageRequest()).items.map(\.address) == [
                    "+447700900555"
                ])
            #expect(try await suppressions.remove(scope: .tenant(2), id: first.suppression.id, access: manageSuppressions, by: nil) == false)
            let emailOnlySuppressions = AccessCheck(.suppressions, in: CapabilitySet(granted: ["email_campaign_suppressions"], planChannels: nil))
            await #expect(throws: DomainError.self) {
                try await suppressions.remove(scope: .tenant(1), id: first.suppression.id, access: emailOnlySuppressions, by: nil)
            }
            #expect(try await suppressions.remove(scope: .tenant(1), id: first.suppression.id, access: manageSuppressions, by: nil))
        }
    }

    @Test func bulkImportsAreBatchedOnOneLease() async throws {
        try await withSetUp("import") { setup in
            let suppressions = MariaDBSuppressionRepository(pool: setup.pool, prefix: AudienceFixture.prefix, clock: setup.clock)
            _ = try await suppressions.add(scope: .tenant(1), channel: .sms, address: "+447700000007", reason: nil, source: .manual, by: nil)
            let addresses = (0..<2500).map { String(format: "+4477%08d", $0) } + ["+447700000001", "+447700000002"]
            let before = await setup.pool.statistics()
            let result = try await suppressions.importAddresses(
                scope: .tenant(1), channel: .sms, addresses: addresses, reason: "import", source: .import, invalid: 0, by: 10)
            let after = await setup.pool.statistics()
            #expect(result.accepted == 2499)  // 2,500 new less the one already listed
            #expect(result.duplicates == 3)  // two repeats in the file and one already listed
            #expect(after.leases - before.leases == 1)
            // 2,500 unique addresses in batches of 1,000, and one audit entry with the counts.
            #expect(after.statements - before.statements == 4)
            #expect(try await suppressions.list(scope: .tenant(1), channel: .sms, search: nil, page: PageRequest()).total == 2500)
            #expect(try await suppressions.list(scope: .tenant(2), channel: .sms, search: nil, page: PageRequest()).total == 0)
        }
    }
}
