import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport

/// A single-site Booknetic install with generated customers and an SMS campaign to all of them,
/// sent (snapshotted) and ready for `serve` processes to pick up: the setup of the tests that
/// kill real processes.
struct DemoSMSCampaign {
    let campaigns: MariaDBCampaignRepository
    let id: Int
    let total: Int

    /// Everything, for reading the campaign back.
    static let everything = CapabilitySet.everything(planChannels: nil)

    static func install(pool: MariaDBPool, prefix: TablePrefix, customers: Int, seed: UInt64, name: String) async throws -> DemoSMSCampaign {
        try await BookneticFixture.install(pool: pool, prefix: prefix)
        try await Migrator(pool: pool, prefix: prefix, logger: TestDatabase.logger).migrate()
        _ = try await DemoDataGenerator(pool: pool, prefix: prefix, logger: TestDatabase.logger).generate(
            DemoDataOptions(tenants: 0, customers: customers, appointments: 100, seed: seed))
        let clock = SystemClock()
        let settings = MariaDBSiteSettings(pool: pool, prefix: prefix, fallbackCountryCode: "44", clock: clock)
        let campaigns = MariaDBCampaignRepository(pool: pool, prefix: prefix, settings: settings, clock: clock)
        let draft = CampaignDraft(channel: .sms, name: name, segment: Segment(type: .allCustomers), body: "Hi {customer_first_name}")
        let created = try await campaigns.create(scope: .singleSite, draft: draft, createdBy: 1).campaign
        let total = try await campaigns.send(scope: .singleSite, id: created.id, access: AccessCheck(.send, in: everything), by: nil).campaign
            .totalCount
        return DemoSMSCampaign(campaigns: campaigns, id: created.id, total: total)
    }

    func progress() async throws -> CampaignProgress {
        try await campaigns.progress(scope: .singleSite, id: id, run: nil, access: AccessCheck(.read, in: Self.everything)).progress
    }
}
