import CampaignStore
import Campaigns
import Engine
import Foundation
import Logging
import MariaDB
import Synchronization
import TestSupport

/// A single-site Booknetic database with hand-made customers, the sidecar's tables, and an
/// engine wired to a fake sender and a manual clock.
struct EngineFixture {
    static let prefix = try! TablePrefix("wpe_")
    static let start = Date(timeIntervalSince1970: 1_780_315_200)  // 2026-06-01T12:00:00Z
    let pool: MariaDBPool
    let enginePool: MariaDBPool
    let clock: ManualClock
    let sender: FakeSender
    let settings: MariaDBSiteSettings
    let campaigns: MariaDBCampaignRepository
    let engine: SendingEngine
    let stores: MariaDBEngineStoreProvider

    static let admin = AccessCheck(.send, in: .everything(planChannels: nil))

    /// A fixture with `customers` customers (phones +4477009xxxxx, emails cN@example.com), then
    /// `body`; the database is dropped afterwards.
    static func with(
        _ label: String, customers: Int = 40, configuration: EngineConfiguration = EngineConfiguration(quietHours: .never),
        sender: FakeSender = FakeSender(), _ body: (EngineFixture) async throws -> Void
    ) async throws {
        try await TestDatabase.with("engine_\(label)") { pool in
            try await BookneticFixture.install(pool: pool, prefix: prefix)
            try await Migrator(pool: pool, prefix: prefix, logger: TestDatabase.logger).migrate()
            try await pool.withConnection { db in
                if customers > 0 {
                    let rows = MariaDBQuery.joined(
                        (1...customers).map { n in
                            "(\(n), \("First\(n)"), \("Last"), \(String(format: "+4477009%05d", n)), \("c\(n)@example.com"), '2025-01-01')"
                        }, separator: ", ")
                    try await db.execute(
                        "INSERT INTO wpe_bkntc_customers (id, first_name, last_name, phone_number, email, created_at) VALUES \(rows)")
                }
            }
            var engineConfiguration = pool.configuration
            engineConfiguration.maxConnections = 3
            let enginePool = MariaDBPool(configuration: engineConfiguration, logger: TestDatabase.logger)
            let fixture = make(pool: pool, enginePool: enginePool, configuration: configuration, sender: sender, clock: ManualClock(start))
            do {
                try await body(fixture)
            } catch {
                await enginePool.close()
                throw error
            }
            await enginePool.close()
        }
    }

    static func make(
        pool: MariaDBPool, enginePool: MariaDBPool, configuration: EngineConfiguration, sender: FakeSender, clock: ManualClock
    ) -> EngineFixture {
        let settings = MariaDBSiteSettings(pool: enginePool, prefix: prefix, fallbackCountryCode: "44", clock: clock)
        let campaigns = MariaDBCampaignRepository(pool: enginePool, prefix: prefix, settings: settings, clock: clock)
        var logger = Logger(label: "engine-test")
        logger.logLevel = .warning
        let engine = SendingEngine(configuration: configuration, sender: sender, clock: clock, logger: logger)
        return EngineFixture(
            pool: pool, enginePool: enginePool, clock: clock, sender: sender, settings: settings, campaigns: campaigns, engine: engine,
            stores: MariaDBEngineStoreProvider(pool: enginePool, prefix: prefix, campaigns: campaigns, settings: settings, clock: clock))
    }

    /// A sent (queued) campaign for all customers.
    func queuedCampaign(_ channel: Channel = .sms, name: String = "Spring", recurrence: String? = nil, scheduledAt: Date? = nil)
        async throws -> Campaign
    {
        let draft = CampaignDraft(
            channel: channel, name: name, segment: Segment(type: .allCustomers), subject: channel == .email ? "Hello" : nil,
            body: "Hi {customer_first_name}", scheduledAt: scheduledAt, recurrence: try recurrence.map { try CronExpression(parsing: $0) })
        let created = try await campaigns.create(scope: .singleSite, draft: draft, createdBy: 1).campaign
        return try await campaigns.send(scope: .singleSite, id: created.id, access: Self.admin, by: nil).campaign
    }

    /// Runs batches until no campaign has due rows (or `rounds` is reached).
    @discardableResult
    func drain(rounds: Int = 100, limit: Int = 25) async throws -> SendCounts {
        var total = SendCounts()
        for _ in 0..<rounds {
            let counts = try await stores.withStore { store -> SendCounts? in
                let active = try await engine.activeCampaigns(store, limit: 10)
                if active.isEmpty { return nil }
                var counts = SendCounts()
                for campaign in active { counts = counts + (try await engine.processBatch(store, campaign: campaign, limit: limit)) }
                return counts
            }
            guard let counts else { break }
            total = total + counts
        }
        return total
    }

    func rows(_ campaignID: Int) async throws -> [(address: String, status: String, attempts: Int, next: Date?, error: String?)] {
        try await pool.withConnection { db in
            try await db.query(
                "SELECT address, status, attempts, next_attempt_at, last_error FROM wpe_bkntc_campaign_logs WHERE campaign_id = \(campaignID) ORDER BY id"
            ).map {
                (
                    try $0.decode("address"), try $0.decode("status"), try $0.decode("attempts"), try $0.decode("next_attempt_at"),
                    try $0.decode("last_error")
                )
            }
        }
    }

    func status(_ campaignID: Int) async throws -> CampaignStatus {
        try await campaigns.view(scope: .singleSite, id: campaignID, access: AccessCheck(.read, in: .everything(planChannels: nil)))
            .campaign.status
    }

    func campaign(_ id: Int) async throws -> Campaign {
        try await campaigns.view(scope: .singleSite, id: id, access: AccessCheck(.read, in: .everything(planChannels: nil))).campaign
    }
}
