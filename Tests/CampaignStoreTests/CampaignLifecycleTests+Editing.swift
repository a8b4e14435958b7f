import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport
import Testing

/// The lifecycle's actions on stored campaigns, templates and suppressions, and bulk imports.
extension CampaignRepositoryTests {
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
