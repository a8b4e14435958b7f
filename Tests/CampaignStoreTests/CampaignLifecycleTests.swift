import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport
import Testing

@Suite("Campaign lifecycle (state machine as a value)")
struct CampaignStateMachineTests {
    @Test func everyActionFromEveryStatus() throws {
        // Expected outcome per (status, action): a target status or the refusal code.
        let expectations: [CampaignStatus: [CampaignAction: String]] = [
            .draft: [.edit: "draft", .delete: "draft", .send: "queued", .pause: "invalid_transition", .resume: "invalid_transition", .cancel: "invalid_transition"],
            .scheduled: [.edit: "draft", .delete: "scheduled", .send: "campaign_already_sent", .pause: "invalid_transition", .resume: "invalid_transition", .cancel: "cancelled"],
            .queued: [.edit: "campaign_locked", .delete: "campaign_locked", .send: "campaign_already_sent", .pause: "paused", .resume: "invalid_transition", .cancel: "cancelled"],
            .sending: [.edit: "campaign_locked", .delete: "campaign_locked", .send: "campaign_already_sent", .pause: "paused", .resume: "invalid_transition", .cancel: "cancelled"],
            .paused: [.edit: "draft", .delete: "paused", .send: "invalid_transition", .pause: "invalid_transition", .resume: "queued", .cancel: "cancelled"],
            .completed: [.edit: "campaign_has_sends", .delete: "completed", .send: "campaign_completed", .pause: "invalid_transition", .resume: "invalid_transition", .cancel: "campaign_completed"],
            .failed: [.edit: "draft", .delete: "failed", .send: "invalid_transition", .pause: "invalid_transition", .resume: "invalid_transition", .cancel: "invalid_transition"],
            .cancelled: [.edit: "draft", .delete: "cancelled", .send: "invalid_transition", .pause: "invalid_transition", .resume: "invalid_transition", .cancel: "invalid_transition"],
        ]
        for status in CampaignStatus.allCases {
            for action in [CampaignAction.edit, .delete, .send, .pause, .resume, .cancel] {
                let outcome: String
                do {
                    outcome = try CampaignLifecycle(status: status, attemptedRows: 0).apply(action).rawValue
                } catch {
                    guard case .conflict(let code, _) = error else { throw error }
                    outcome = code
                }
                #expect(outcome == expectations[status]?[action], "\(status) + \(action)")
            }
        }
    }

    @Test func editsAfterAttemptsAreRefused() {
        for status in [CampaignStatus.paused, .failed, .cancelled] {
            #expect(throws: DomainError.conflict(code: "campaign_has_sends", message: "messages of this campaign were already sent; duplicate it to send again to the same people")) {
                try CampaignLifecycle(status: status, attemptedRows: 1).apply(.edit)
            }
            #expect((try? CampaignLifecycle(status: status, attemptedRows: 0).apply(.edit)) == .draft)
        }
    }
}

@Suite("Campaign repository against MariaDB", .serialized)
struct CampaignRepositoryTests {
    static let now = Date(timeIntervalSince1970: TimeInterval(AudienceFixture.now))

    func setUp(_ label: String) async throws -> (AudienceFixture, MariaDBCampaignRepository, MariaDBAudienceRepository) {
        let fixture = try await AudienceFixture.make(label)
        let clock: @Sendable () -> Date = { Self.now }
        let campaigns = MariaDBCampaignRepository(pool: fixture.pool, prefix: AudienceFixture.prefix, defaultCountryCode: "44", clock: clock)
        let audience = MariaDBAudienceRepository(pool: fixture.pool, prefix: AudienceFixture.prefix, defaultCountryCode: "44", clock: clock)
        return (fixture, campaigns, audience)
    }

    func draft(_ channel: Channel = .sms, segment: Segment = Segment(type: .allCustomers), scheduledAt: Date? = nil) -> CampaignDraft {
        CampaignDraft(channel: channel, name: "Spring offer", segment: segment, subject: channel == .email ? "Hi" : nil,
                      body: "Hi {customer_first_name}", scheduledAt: scheduledAt)
    }

    func logRows(_ pool: MariaDBPool, _ id: Int) async throws -> [(address: String, status: String)] {
        try await pool.withConnection { db in
            try await db.query("SELECT address, status FROM wpx_bkntc_campaign_logs WHERE campaign_id = ? ORDER BY id", [id]).map {
                (try $0.decode("address"), try $0.decode("status"))
            }
        }
    }

    @Test func sendSnapshotsExactlyWhatPreviewShowedIncludingDedupAndSuppression() async throws {
        let (fixture, campaigns, audience) = try await setUp("snapshot")
        defer { Task { await TestDatabase.drop(fixture.pool) } }
        let scope = TenantScope.tenant(1)
        let suppressions = MariaDBSuppressionRepository(pool: fixture.pool, prefix: AudienceFixture.prefix)
        _ = try await suppressions.add(scope: scope, channel: .sms, address: "+447700900010", reason: "asked", source: "manual")
        for channel in Channel.allCases {
            let campaign = try await campaigns.create(scope: scope, draft: draft(channel), createdBy: 1)
            let preview = try await audience.preview(campaign.audience(in: scope), sampleSize: 100_000)
            let sent = try await campaigns.send(scope: scope, id: campaign.id)
            #expect(sent.status == .queued)
            #expect(sent.totalCount == preview.count)
            let rows = try await logRows(fixture.pool, campaign.id)
            #expect(rows.map(\.address) == preview.sample.map(\.address))
            #expect(rows.allSatisfy { $0.status == "pending" })
            #expect(Set(rows.map { $0.address.lowercased() }).count == rows.count, "addresses are unique")
            if channel == .sms { #expect(!rows.map(\.address).contains("+447700900010")) }
            let progress = try await campaigns.progress(scope: scope, id: campaign.id)
            #expect(progress.total == preview.count && progress.pending == preview.count && progress.sent == 0)
        }
    }

    @Test func tenConcurrentSendsProduceOneSnapshot() async throws {
        let (fixture, campaigns, _) = try await setUp("concurrent")
        defer { Task { await TestDatabase.drop(fixture.pool) } }
        let scope = TenantScope.tenant(1)
        let campaign = try await campaigns.create(scope: scope, draft: draft(.email), createdBy: 1)
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do {
                        return try await campaigns.send(scope: scope, id: campaign.id).status.rawValue
                    } catch let error as DomainError {
                        if case .conflict(let code, _) = error { return code }
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
        let stored = try #require(try await campaigns.get(scope: scope, id: campaign.id))
        let rows = try await logRows(fixture.pool, campaign.id)
        #expect(rows.count == stored.totalCount)
        #expect(stored.currentRun == 1)
    }

    @Test func scheduledSendTakesNoSnapshotAndZeroRecipientsFails() async throws {
        let (fixture, campaigns, _) = try await setUp("schedule")
        defer { Task { await TestDatabase.drop(fixture.pool) } }
        let scope = TenantScope.tenant(1)
        let later = try await campaigns.create(scope: scope, draft: draft(scheduledAt: Self.now.addingTimeInterval(3600)), createdBy: 1)
        let scheduled = try await campaigns.send(scope: scope, id: later.id)
        #expect(scheduled.status == .scheduled)
        #expect(try await logRows(fixture.pool, later.id).isEmpty)
        // Nobody booked in the next day at 2300 days' distance → an empty audience.
        let nobody = try await campaigns.create(
            scope: .tenant(99), draft: draft(segment: Segment(type: .upcoming, days: 1)), createdBy: 1)
        let failed = try await campaigns.send(scope: .tenant(99), id: nobody.id)
        #expect(failed.status == .failed)
        #expect(failed.statusReason == "no_recipients")
    }

    @Test func pauseResumeCancelEditDeleteDuplicate() async throws {
        let (fixture, campaigns, _) = try await setUp("transitions")
        defer { Task { await TestDatabase.drop(fixture.pool) } }
        let scope = TenantScope.tenant(1)
        let campaign = try await campaigns.create(scope: scope, draft: draft(), createdBy: 1)
        let queued = try await campaigns.send(scope: scope, id: campaign.id)
        let total = queued.totalCount
        #expect(total > 10)
        await #expect(throws: DomainError.self) { try await campaigns.update(scope: scope, id: campaign.id, draft: draft()) }
        await #expect(throws: DomainError.self) { try await campaigns.delete(scope: scope, id: campaign.id) }
        #expect(try await campaigns.transition(scope: scope, id: campaign.id, action: .pause).status == .paused)
        #expect(try await campaigns.transition(scope: scope, id: campaign.id, action: .resume).status == .queued)
        #expect(try await logRows(fixture.pool, campaign.id).count == total, "pause/resume loses and adds nobody")
        // One row attempted, as the engine would: then an edit must be refused.
        try await fixture.pool.withConnection { db in
            try await db.execute("UPDATE wpx_bkntc_campaign_logs SET status = 'sent', attempts = 1 WHERE campaign_id = ? ORDER BY id LIMIT 1", [campaign.id])
        }
        #expect(try await campaigns.transition(scope: scope, id: campaign.id, action: .cancel).status == .cancelled)
        let rows = try await logRows(fixture.pool, campaign.id)
        #expect(rows.filter { $0.status == "skipped" }.count == total - 1)
        #expect(rows.filter { $0.status == "sent" }.count == 1)
        do {
            _ = try await campaigns.update(scope: scope, id: campaign.id, draft: draft())
            Issue.record("editing a campaign with sends must be refused")
        } catch let error as DomainError {
            #expect(error == .conflict(code: "campaign_has_sends", message: error.message))
        }
        // A cancelled campaign without attempts can be edited: back to draft, logs gone.
        let other = try await campaigns.create(scope: scope, draft: draft(.email), createdBy: 1)
        _ = try await campaigns.send(scope: scope, id: other.id)
        _ = try await campaigns.transition(scope: scope, id: other.id, action: .cancel)
        let edited = try await campaigns.update(scope: scope, id: other.id, draft: draft(.email))
        #expect(edited.status == .draft)
        #expect(try await logRows(fixture.pool, other.id).isEmpty)
        // Duplicate: a fresh draft without logs.
        let copy = try await campaigns.duplicate(scope: scope, id: campaign.id, createdBy: 2)
        #expect(copy.name == "Spring offer (copy)")
        #expect(copy.status == .draft)
        #expect(try await logRows(fixture.pool, copy.id).isEmpty)
        // Another tenant sees nothing.
        #expect(try await campaigns.get(scope: .tenant(2), id: campaign.id) == nil)
        await #expect(throws: DomainError.notFound("campaign")) { try await campaigns.send(scope: .tenant(2), id: copy.id) }
        try await campaigns.delete(scope: scope, id: campaign.id)
        #expect(try await campaigns.get(scope: scope, id: campaign.id) == nil)
        #expect(try await logRows(fixture.pool, campaign.id).isEmpty)
    }

    @Test func templatesAndSuppressions() async throws {
        let (fixture, _, _) = try await setUp("content")
        defer { Task { await TestDatabase.drop(fixture.pool) } }
        let templates = MariaDBTemplateRepository(pool: fixture.pool, prefix: AudienceFixture.prefix)
        let builtins = try await templates.list(scope: .tenant(1), channels: Set(Channel.allCases), search: nil, page: PageRequest(perPage: 100))
        #expect(builtins.total == 12)
        #expect(Set(builtins.items.filter { $0.channel == .email }.map(\.name)) == [
            "Re-engagement (90 days)", "Loyal customer offer", "General announcement", "Seasonal campaign"])
        let mine = try await templates.create(scope: .tenant(1), draft: TemplateDraft(channel: .sms, name: "Mine", subject: nil, body: "Hello"))
        await #expect(throws: DomainError.self) {
            try await templates.create(scope: .tenant(1), draft: TemplateDraft(channel: .sms, name: "Mine", subject: nil, body: "Again"))
        }
        // Same name in another tenant or channel is fine.
        _ = try await templates.create(scope: .tenant(2), draft: TemplateDraft(channel: .sms, name: "Mine", subject: nil, body: "Hello"))
        _ = try await templates.create(scope: .tenant(1), draft: TemplateDraft(channel: .whatsapp, name: "Mine", subject: nil, body: "Hi"))
        #expect(try await templates.get(scope: .tenant(2), id: mine.id) == nil)
        await #expect(throws: DomainError.self) {
            try await templates.update(scope: .tenant(1), id: builtins.items[0].id, draft: TemplateDraft(channel: .sms, name: "x", subject: nil, body: "y"))
        }
        #expect(try await templates.list(scope: .tenant(1), channels: [.sms], search: "Mine", page: PageRequest()).total == 1)
        try await templates.delete(scope: .tenant(1), id: mine.id)

        let suppressions = MariaDBSuppressionRepository(pool: fixture.pool, prefix: AudienceFixture.prefix)
        let normalizer = AddressNormalizer(defaultCountryCode: "44")
        let first = try await suppressions.add(scope: .tenant(1), channel: .sms, address: normalizer.normalizePhone("07700 900555")!, reason: "STOP", source: "inbound")
        let again = try await suppressions.add(scope: .tenant(1), channel: .sms, address: normalizer.normalizePhone("+44 (7700) 900-555")!, reason: nil, source: "manual")
        #expect(first.created && !again.created)
        #expect(first.suppression.id == again.suppression.id)
        #expect(try await suppressions.isSuppressed(scope: .tenant(1), channel: .sms, address: "+447700900555"))
        #expect(!(try await suppressions.isSuppressed(scope: .tenant(2), channel: .sms, address: "+447700900555")))
        #expect(!(try await suppressions.isSuppressed(scope: .tenant(1), channel: .whatsapp, address: "+447700900555")))
        _ = try await suppressions.add(scope: .tenant(1), channel: .email, address: "ann@example.com", reason: "bounced 100%", source: "manual")
        #expect(try await suppressions.isSuppressed(scope: .tenant(1), channel: .email, address: "ANN@example.com"))
        #expect(try await suppressions.list(scope: .tenant(1), channel: nil, search: "100%", page: PageRequest()).total == 1)
        #expect(try await suppressions.list(scope: .tenant(1), channel: nil, search: "%", page: PageRequest()).total == 1)
        #expect(try await suppressions.list(scope: .tenant(1), channel: .sms, search: "900555", page: PageRequest()).items.map(\.address) == ["+447700900555"])
        #expect(try await suppressions.remove(scope: .tenant(2), id: first.suppression.id) == false)
        #expect(try await suppressions.remove(scope: .tenant(1), id: first.suppression.id))
    }
}
