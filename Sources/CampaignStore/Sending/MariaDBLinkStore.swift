import Campaigns
import Foundation
import MariaDB

/// The engine's tracked links (DESIGN §18) in `{prefix}bkntc_campaign_links`, on the engine's
/// connection: one read and one multi-row insert per batch.
public struct MariaDBLinkStore: LinkStore {
    let db: MariaDBSession
    let links: SQLIdentifier

    public init(db: MariaDBSession, prefix: TablePrefix) {
        self.db = db
        links = prefix.bkntc("campaign_links")
    }

    public func codes(logIDs: [Int]) async throws -> [Int: [String: String]] {
        if logIDs.isEmpty { return [:] }
        let rows = try await db.query("SELECT log_id, code, url FROM \(identifier: links) WHERE log_id IN (\(list: logIDs)) ORDER BY id")
        var codes: [Int: [String: String]] = [:]
        for row in rows {
            let url: String = try row.decode("url")
            // The first code of a URL stays its code: the message text that went out carries it.
            if codes[try row.decode("log_id"), default: [:]][url] == nil {
                codes[try row.decode("log_id"), default: [:]][url] = try row.decode("code")
            }
        }
        return codes
    }

    public func insert(_ new: [NewTrackedLink], now: Date) async throws {
        if new.isEmpty { return }
        let values = MariaDBQuery.joined(
            new.map {
                "(\($0.scope.tenantID), \($0.scope.key), \($0.link.code), \($0.logID), \($0.campaignID), \($0.link.url), \(now))"
            }, separator: ", ")
        do {
            try await db.execute(
                "INSERT INTO \(identifier: links) (tenant_id, tenant_key, code, log_id, campaign_id, url, created_at) VALUES \(values)")
        } catch let error as MariaDBError where error.isDuplicateKey {
            throw LinkStoreError.duplicateCode
        }
    }
}
