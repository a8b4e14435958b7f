import Campaigns
import Foundation
import MariaDB

/// What a snapshot needs to choose each recipient's content variant (DESIGN §15): the tenant's
/// fallback locale and whether Booknetic's appointments carry one. Read only for a campaign
/// with translations, on the snapshot's own connection.
enum ContentLocales {
    /// The choice for `content` in `scope`'s `channel`, or nil when there are no translations.
    static func choice(
        for content: LocalizedContent, scope: TenantScope, channel: Channel, prefix: TablePrefix, on db: some MariaDBQueryable
    ) async throws -> LocaleChoice? {
        guard content.hasVariants else { return nil }
        return LocaleChoice(
            content: content, fallback: try await fallback(scope: scope, channel: channel, prefix: prefix, on: db),
            readsAppointments: try await db.columnExists(table: prefix.bareName("appointments"), column: "locale"))
    }

    /// The locale of a customer whose latest appointment names none: the tenant's `locale`
    /// setting for the channel (§10), else WordPress' `WPLANG` option (empty = none).
    static func fallback(scope: TenantScope, channel: Channel, prefix: TablePrefix, on db: some MariaDBQueryable) async throws
        -> LocaleKey?
    {
        let own = try await db.queryFirst(
            """
            SELECT value FROM \(identifier: prefix.bkntc("campaign_settings"))
            WHERE tenant_key = \(scope.key) AND channel = \(channel) AND name = \(SettingName.locale.rawValue)
            """)
        if let value: String = try own?.decode("value"), let key = LocaleKey(parsing: MariaDBSiteSettings.unquoted(value)) {
            return key
        }
        let site = try await WordPressOptions(prefix: prefix).values(["WPLANG"], on: db)
        return site["WPLANG"].flatMap { LocaleKey(stored: $0) }
    }
}
