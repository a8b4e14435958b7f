import Campaigns
import Foundation
import MariaDB

/// Clicks and opens (DESIGN §18) on the pool of the public routes: a click is the link's
/// lookup by its unique code and one update of its log row, in the link's tenant.
public struct MariaDBEngagementStore: EngagementStore {
    let pool: MariaDBPool
    let links: SQLIdentifier
    let logs: SQLIdentifier

    public init(pool: MariaDBPool, prefix: TablePrefix) {
        self.pool = pool
        links = prefix.bkntc("campaign_links")
        logs = prefix.bkntc("campaign_logs")
    }

    /// The link's URL; a click is recorded only for a URL that is redirected to.
    public func click(code: String, record: Bool, now: Date) async throws -> String? {
        try await pool.withConnection { db in
            guard let link = try await db.queryFirst("SELECT tenant_key, log_id, url FROM \(identifier: links) WHERE code = \(code)")
            else { return nil }
            let url: String = try link.decode("url")
            // A link that is never redirected to (not http or https) counts no click.
            if record, TrackedLink.isRedirectable(url) {
                let tenantKey: Int = try link.decode("tenant_key")
                let logID: Int = try link.decode("log_id")
                try await db.execute(
                    """
                    UPDATE \(identifier: logs) SET clicks = clicks + 1, clicked_at = COALESCE(clicked_at, \(now))
                    WHERE id = \(logID) AND tenant_key = \(tenantKey)
                    """)
            }
            return url
        }
    }

    public func open(scope: TenantScope, logID: Int, now: Date) async throws {
        try await pool.withConnection { db in
            try await db.execute(
                """
                UPDATE \(identifier: logs) SET opened_at = \(now)
                WHERE id = \(logID) AND tenant_key = \(scope.key) AND opened_at IS NULL
                """)
        }
    }
}
