import Campaigns
import Foundation
import MariaDB

/// The engine's stores on leases of one pool (the engine's own), and the tick's `GET_LOCK`: each
/// role of the `EngineStore` is a MariaDB type of its own on the lease's one connection, so a
/// worker round or a whole cron tick holds exactly one lease.
public struct MariaDBEngineStoreProvider: EngineStoreProvider {
    public let pool: MariaDBPool
    let prefix: TablePrefix
    let campaigns: MariaDBCampaignRepository
    let settings: MariaDBSiteSettings
    let channelSettings: MariaDBSettingsRepository

    public init(pool: MariaDBPool, prefix: TablePrefix, campaigns: MariaDBCampaignRepository, settings: MariaDBSiteSettings, clock: any WallClock) {
        self.pool = pool
        self.prefix = prefix
        self.campaigns = campaigns
        self.settings = settings
        self.channelSettings = MariaDBSettingsRepository(pool: campaigns.pool, prefix: prefix, clock: clock)
    }

    public var tickLockName: String { String("bkntc_campaigns_tick:\(pool.configuration.database):\(prefix.value)".prefix(64)) }

    public func withStore<T: Sendable>(_ body: (EngineStore) async throws -> T) async throws -> T {
        try await pool.withConnection { db in try await body(store(db)) }
    }

    public func withLock<T: Sendable>(_ name: String, _ body: (EngineStore) async throws -> T) async throws -> T? {
        try await pool.withConnection { db in
            let acquired = try await db.queryFirst("SELECT GET_LOCK(\(name), 0) AS got")?.decode("got", as: Int?.self)
            guard acquired == 1 else { return nil }
            do {
                let result = try await body(store(db))
                _ = try await db.query("SELECT RELEASE_LOCK(\(name)) AS released")
                return result
            } catch {
                _ = try? await db.query("SELECT RELEASE_LOCK(\(name)) AS released")
                throw error
            }
        }
    }

    /// Every role on `db`.
    public func store(_ db: MariaDBSession) -> EngineStore {
        EngineStore(
            queue: MariaDBRecipientQueue(db: db, prefix: prefix),
            checks: MariaDBSendChecks(db: db, prefix: prefix, siteSettings: settings, channelSettings: channelSettings),
            slots: MariaDBRateSlots(db: db, prefix: prefix),
            quota: MariaDBQuota(db: db, prefix: prefix, settings: settings, database: campaigns.pool.configuration.database),
            scheduler: MariaDBScheduler(db: db, prefix: prefix, campaigns: campaigns),
            links: MariaDBLinkStore(db: db, prefix: prefix))
    }
}
