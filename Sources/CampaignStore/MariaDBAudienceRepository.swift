import Campaigns
import Foundation
import MariaDB

/// Runs the audience compiler's query against Booknetic's tables.
public struct MariaDBAudienceRepository: AudienceRepository {
    let pool: MariaDBPool
    public let compiler: AudienceCompiler
    let clock: @Sendable () -> Date
    let settings: (any SiteSettings)?

    public init(
        pool: MariaDBPool, prefix: TablePrefix, defaultCountryCode: String?, settings: (any SiteSettings)? = nil,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.pool = pool
        self.compiler = AudienceCompiler(tables: prefix.audienceTables, defaultCountryCode: defaultCountryCode)
        self.settings = settings
        self.clock = clock
    }

    public func preview(_ definition: AudienceDefinition, sampleSize: Int) async throws -> AudiencePreview {
        var audience = definition
        if audience.countryCode == nil, let settings {
            audience.countryCode = try await settings.defaultCountryCode(scope: audience.scope)
        }
        let query = compiler.preview(audience, now: Int(clock().timeIntervalSince1970), sampleSize: sampleSize)
        let rows = try await pool.withConnection { try await $0.query(query) }
        let total = try rows.first?.decode("total", as: Int.self) ?? 0
        return AudiencePreview(count: total, sample: try rows.map(Self.recipient))
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
            customers: bkntc("customers"), appointments: bkntc("appointments"),
            suppressions: bkntc("campaign_suppressions"))
    }
}
