import Campaigns
import Foundation
import MariaDB

/// Runs the audience compiler's query against Booknetic's tables.
public struct MariaDBAudienceRepository: AudienceRepository {
    let pool: MariaDBPool
    public let compiler: AudienceCompiler
    let clock: any WallClock
    let settings: MariaDBSiteSettings
    let prefix: TablePrefix

    public init(pool: MariaDBPool, prefix: TablePrefix, settings: MariaDBSiteSettings, clock: any WallClock) {
        self.pool = pool
        self.prefix = prefix
        self.compiler = AudienceCompiler(tables: prefix.audienceTables)
        self.settings = settings
        self.clock = clock
    }

    /// Count and sample in one statement; the tenant's country code is read on the same lease.
    public func preview(_ definition: AudienceDefinition, sampleSize: Int) async throws -> AudiencePreview {
        try await pool.withConnection { db in
            let audience = try await Self.resolved(definition, settings: settings, on: db)
            try await CustomerCategories.check(audience.filters, prefix: prefix, on: db)
            let now = Int(clock.now().timeIntervalSince1970)
            let locale = try await ContentLocales.choice(
                for: audience.variants, scope: audience.scope, channel: audience.channel, prefix: prefix, on: db)
            let rows = try await db.query(compiler.preview(audience, now: now, sampleSize: sampleSize, locale: locale))
            let total = try rows.first?.decode("total", as: Int.self) ?? 0
            var locales: [LocaleCount]?
            if let locale {
                locales = try await db.query(compiler.localeCounts(audience, now: now, locale: locale)).map {
                    LocaleCount(locale: try $0.decode("locale"), count: try $0.decode("n"))
                }
            }
            return AudiencePreview(count: total, sample: try rows.map(Self.recipient), locales: locales)
        }
    }

    /// Every recipient in one statement, then their own zones in batches, on one lease.
    public func members(_ definition: AudienceDefinition, zones: Bool) async throws -> AudienceMembers {
        try await pool.withConnection { db in
            let audience = try await Self.resolved(definition, settings: settings, on: db)
            try await CustomerCategories.check(audience.filters, prefix: prefix, on: db)
            let locale = try await ContentLocales.choice(
                for: audience.variants, scope: audience.scope, channel: audience.channel, prefix: prefix, on: db)
            let query = compiler.members(audience, now: Int(clock.now().timeIntervalSince1970), locale: locale)
            let recipients = try await db.query(query).map(Self.recipient)
            return try await Self.members(
                recipients, scope: audience.scope, channel: audience.channel, zones: zones, prefix: prefix, settings: settings, on: db)
        }
    }

    /// The audience with what its query needs from the settings: the tenant's country code, and
    /// for birthdays the zone whose date counts.
    static func resolved(_ definition: AudienceDefinition, settings: MariaDBSiteSettings, on db: some MariaDBQueryable) async throws
        -> AudienceDefinition
    {
        var audience = definition
        if audience.countryCode == nil {
            audience.countryCode = try await settings.defaultCountryCode(scope: audience.scope, on: db)
        }
        if audience.segment.type == .birthday {
            audience.timeZone = try await settings.timeZone(scope: audience.scope, channel: audience.channel, on: db)
        }
        return audience
    }

    /// `recipients` with the zones quiet hours would use for them, as the engine reads them.
    static func members(
        _ recipients: [Recipient], scope: TenantScope, channel: Channel, zones: Bool, prefix: TablePrefix,
        settings: MariaDBSiteSettings, on db: some MariaDBQueryable
    ) async throws -> AudienceMembers {
        guard zones else { return AudienceMembers(recipients: recipients) }
        let fallback = try await settings.timeZone(scope: scope, channel: channel, on: db)
        var own: [Int: TimeZone] = [:]
        let ids = recipients.map(\.customerID)
        for start in stride(from: 0, to: ids.count, by: 1_000) {
            let chunk = Array(ids[start..<min(start + 1_000, ids.count)])
            let names = try await MariaDBSendChecks.clientTimeZones(db, prefix: prefix, scope: scope, customerIDs: chunk)
            for (id, name) in names {
                if let zone = TimeZoneName.parse(name) { own[id] = zone }
            }
        }
        return AudienceMembers(recipients: recipients, zones: own, fallbackZone: fallback)
    }

    static func recipient(_ row: MariaDBRow) throws -> Recipient {
        Recipient(
            customerID: try row.decode("id"), address: try row.decode("address"),
            firstName: try row.decode("first_name"), lastName: try row.decode("last_name"),
            locale: row.has("locale") ? try row.decode("locale") : nil, dueAt: row.has("due_at") ? try row.decode("due_at") : nil)
    }
}

extension TablePrefix {
    /// The tables an audience query reads.
    public var audienceTables: AudienceTables {
        AudienceTables(
            customers: bkntc("customers"), appointments: bkntc("appointments"),
            suppressions: bkntc("campaign_suppressions"), logs: bkntc("campaign_logs"))
    }
}
