import Foundation
import SQL

/// How a snapshot picks each recipient's content variant (DESIGN §15) inside its one
/// `INSERT … SELECT`: the customer's locale is the `locale` of their latest appointment (by
/// `starts_at`) when it is not empty, else `fallback` (the tenant's `locale` setting, else
/// WordPress' `WPLANG`); the variant is the exact `ll_CC` among `content`'s, then `ll`, else
/// none (the log row's `locale` stays NULL: the base text).
public struct LocaleChoice: Sendable, Hashable {
    /// The variants the campaign has.
    public var variants: [LocaleKey]
    /// The locale of customers whose latest appointment names none.
    public var fallback: LocaleKey?
    /// Whether Booknetic's appointments have a `locale` column (it is optional).
    public var readsAppointments: Bool

    public init(content: LocalizedContent, fallback: LocaleKey?, readsAppointments: Bool) {
        self.variants = content.locales
        self.fallback = fallback
        self.readsAppointments = readsAppointments
    }

    /// The variant a customer without an appointment locale gets.
    public var fallbackVariant: String? {
        guard let fallback else { return nil }
        let available = Set(variants)
        if available.contains(fallback) { return fallback.rawValue }
        return LocaleKey(parsing: fallback.language).flatMap { available.contains($0) ? $0.rawValue : nil }
    }

    /// The join that gives each customer (`x.id`) their latest appointment's locale as `lc.loc`:
    /// lower case, `-` read as `_`, language and region only (`de_de` of `de-DE_formal`).
    /// Without an index on `customer_id` (Booknetic has none), one integer-only aggregate over
    /// the tenant's appointments finds each customer's latest one as a packed key (`starts_at`
    /// in the high 32 bits, `id` in the low: the later start, then the higher id, wins), and the
    /// locale is read by primary key. A string `MAX()` or a window function over every
    /// appointment sorted wide rows and took tens of seconds at 1M appointments. The LIMIT keeps
    /// the aggregate materialized once (never re-run per customer as a lateral derived table).
    func join(appointments: SQLIdentifier, scope: TenantScope) -> SQLQuery {
        var q: SQLQuery = "\nLEFT JOIN (SELECT k.customer_id,"
        q.append(" LOWER(SUBSTRING_INDEX(SUBSTRING_INDEX(REPLACE(TRIM(COALESCE(la.locale, '')), '-', '_'), '.', 1), '_', 2)) AS loc")
        q.append(" FROM (SELECT a.customer_id,")
        q.append(" MAX(CAST(LEAST(GREATEST(COALESCE(a.starts_at, 0), 0), 2147483647) AS UNSIGNED) * 4294967296 + a.id) AS k")
        q.append(" FROM \(identifier: appointments) a WHERE \(scope.bookneticCondition(on: "a")) GROUP BY a.customer_id")
        q.append(" LIMIT 18446744073709551615) k")
        q.append(" JOIN \(identifier: appointments) la ON la.id = k.k % 4294967296) lc ON lc.customer_id = x.id")
        return q
    }

    /// The log row's `locale`: the variant key, or NULL for the base text.
    func column() -> SQLQuery {
        guard !variants.isEmpty else { return "\(SQLValue.null)" }
        guard readsAppointments else { return "\(fallbackVariant)" }
        var q: SQLQuery = "CASE WHEN lc.loc IS NULL OR lc.loc = '' THEN \(fallbackVariant)"
        // Exact language and region first, then the language alone.
        for key in variants where key.hasRegion {
            q.append(" WHEN lc.loc = \(key.rawValue.lowercased()) THEN \(key.rawValue)")
        }
        for key in variants where !key.hasRegion {
            q.append(" WHEN SUBSTRING_INDEX(lc.loc, '_', 1) = \(key.rawValue) THEN \(key.rawValue)")
        }
        q.append(" END")
        return q
    }

    /// Whether the statement needs the appointments join.
    var needsJoin: Bool { readsAppointments && !variants.isEmpty }
}
