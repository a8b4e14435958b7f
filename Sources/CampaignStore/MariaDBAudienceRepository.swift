import Campaigns
import Foundation
import MariaDB

/// Runs the audience compiler's query against Booknetic's tables.
public struct MariaDBAudienceRepository: AudienceRepository {
    let pool: MariaDBPool
    public let compiler: AudienceCompiler
    let clock: any WallClock
    let settings: MariaDBSiteSettings

    public init(pool: MariaDBPool, prefix: TablePrefix, settings: MariaDBSiteSettings, clock: any WallClock) {
        self.pool = pool
        self.compiler = AudienceCompiler(tables: prefix.audienceTables)
        self.settings = settings
        self.clock = clock
    }

    /// Count and sample in one statement; the tenant's country code is read on the same lease.
    public func preview(_ definition: AudienceDefinition, sampleSize: Int) async throws -> AudiencePreview {
        try await pool.withConnection { db in
            var audience = definition
            if audience.countryCode == nil {
                audience.countryCode = try await settings.defaultCountryCode(scope: audience.scope, on: db)
            }
            if audience.segment.type == .birthday {
                audience.timeZone = try await settings.timeZone(scope: audience.scope, channel: audience.channel, on: db)
            }
            let query = compiler.preview(audience, now: Int(clock.now().timeIntervalSince1970), sampleSize: sampleSize)
            let rows = try await db.query(try query.mariaDB())
            let total = try rows.first?.decode("total", as: Int.self) ?? 0
            return AudiencePreview(count: total, sample: try rows.map(Self.recipient))
        }
    }

    static func recipient(_ row: MariaDBRow) throws -> Recipient {
        Recipient(
            customerID: try row.decode("id"), address: try row.decode("address"),
            firstName: try row.decode("first_name"), lastName: try row.decode("last_name"))
    }
}

extension TablePrefix {
    /// The tables an audience query reads.
    public var audienceTables: AudienceTables {
        AudienceTables(
            customers: bkntc("customers").text, appointments: bkntc("appointments").text,
            suppressions: bkntc("campaign_suppressions").text, logs: bkntc("campaign_logs").text)
    }
}
