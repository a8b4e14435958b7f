import CampaignStore
import Campaigns
import Engine
import Foundation
import MariaDB
import TestSupport
import Testing

/// A recurring campaign that uses a saved audience (DESIGN §16) reads it at each run's snapshot,
/// so an edit between two runs reaches the next run, and the campaign's own channel decides
/// who is a recipient.
@Suite("Saved audiences across recurring runs", .serialized)
struct SavedAudienceRunTests {
    @Test func aDailyCampaignFollowsItsAudienceEditedBetweenTwoRuns() async throws {
        try await EngineFixture.with("audience_runs", customers: 8) { fixture in
            try await fixture.pool.withConnection { db in
                // Customers 1–3 are in category 7, 4–6 in 8; 7 and 8 in none.
                try await db.execute("UPDATE wpe_bkntc_customers SET category_id = IF(id <= 3, 7, 8) WHERE id <= 6")
            }
            let library = MariaDBAudienceLibrary(pool: fixture.pool, prefix: EngineFixture.prefix, clock: fixture.clock)
            // Made for email; the SMS campaign that uses it reaches phones.
            let audience = try await library.create(
                scope: .singleSite,
                draft: AudienceDraft(
                    name: "Sevens", channel: .email, segment: Segment(type: .allCustomers), filters: SegmentFilters(categoryIDs: [7])),
                by: 1)
            let firstRun = EngineFixture.start.addingTimeInterval(3600)
            let created = try await fixture.campaigns.create(
                scope: .singleSite,
                draft: CampaignDraft(
                    channel: .sms, name: "Daily", segment: Segment(type: .allCustomers), body: "Hi {customer_first_name}", scheduledAt: firstRun,
                    recurrence: try CronExpression(parsing: "0 13 * * *"), audienceID: audience.id),
                createdBy: 1)
            #expect(created.campaign.audienceID == audience.id && created.campaign.filters.categoryIDs == [7], "a copy of the audience")
            let scheduled = try await fixture.campaigns.send(scope: .singleSite, id: created.campaign.id, access: EngineFixture.admin, by: nil)
            #expect(scheduled.campaign.status == .scheduled)

            let tick = CronTick(engine: fixture.engine, stores: fixture.stores, wake: nil)
            fixture.clock.set(firstRun)
            _ = try await tick.run(mode: .cron)
            try await fixture.drain()
            #expect(fixture.sender.sent.map(\.to).sorted() == ["+447700900001", "+447700900002", "+447700900003"])
            #expect(try await fixture.campaign(created.campaign.id).status == .scheduled, "the automation goes on")

            // Between the runs the audience changes to category 8 and an appointment filter-free
            // second category; the next run reads it.
            _ = try await library.update(
                scope: .singleSite, id: audience.id,
                draft: AudienceDraft(
                    name: "Eights", channel: .email, segment: Segment(type: .allCustomers), filters: SegmentFilters(categoryIDs: [8])),
                access: EngineFixture.admin, by: 1)
            await #expect(throws: DomainError.self) {
                try await library.delete(scope: .singleSite, id: audience.id, access: EngineFixture.admin, by: 1)
            }
            let before = fixture.sender.sent.count
            fixture.clock.set(firstRun.addingTimeInterval(86_400))
            _ = try await tick.run(mode: .cron)
            try await fixture.drain()
            #expect(fixture.sender.sent.dropFirst(before).map(\.to).sorted() == ["+447700900004", "+447700900005", "+447700900006"])
            let campaign = try await fixture.campaign(created.campaign.id)
            #expect(campaign.currentRun == 2 && campaign.status == .scheduled)

            // The campaign's preview reads the audience too.
            let preview = try await fixture.campaigns.previewRecipients(
                scope: .singleSite, id: created.campaign.id, limit: 10, access: EngineFixture.admin)
            #expect(preview.recipients.count == 3)
            let used = try await library.get(scope: .singleSite, id: audience.id, access: EngineFixture.admin)
            #expect(used.usedBy == [created.campaign.id] && used.name == "Eights")
        }
    }
}
