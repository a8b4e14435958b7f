import Campaigns
import Foundation
import MariaDB

/// `BKNTC_PROVIDER=outbox`: every message is recorded in `{prefix}bkntc_campaign_outbox`
/// instead of leaving the machine (demo and development). It behaves like a provider: each
/// message gets an id, and the lookup finds what was recorded, so crash recovery works as it
/// does with Twilio.
public struct MariaDBOutboxSender: MessageSender {
    let pool: MariaDBPool
    let table: SQLIdentifier
    let clock: any WallClock

    /// `pool` must not be the one whose lease the caller holds while sending (the engine has
    /// its own pool; this one is the API's).
    public init(pool: MariaDBPool, prefix: TablePrefix, clock: any WallClock) {
        self.pool = pool
        self.table = prefix.bkntc("campaign_outbox")
        self.clock = clock
    }

    public func send(_ message: OutgoingMessage) async -> SendOutcome {
        let id = "OB" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        do {
            try await pool.withConnection { db in
                try await db.execute(
                    """
                    INSERT INTO \(identifier: table) (message_id, tenant_key, log_id, channel, to_address, subject, body, created_at)
                    VALUES (\(id), \(message.scope.key), \(message.logID), \(message.channel), \(message.to), \(message.subject),
                      \(message.body), \(clock.now()))
                    """)
            }
            return .sent(providerID: id)
        } catch {
            return .unknown(code: .outbox, message: "the outbox could not be written")
        }
    }

    public func lookup(_ message: OutgoingMessage) async -> LookupOutcome {
        do {
            let since = Date(timeIntervalSince1970: message.claimedAt.timeIntervalSince1970.rounded(.down))
            let row = try await pool.withConnection { db in
                try await db.queryFirst(
                    """
                    SELECT message_id FROM \(identifier: table)
                    WHERE channel = \(message.channel) AND to_address = \(message.to) AND body = \(message.body)
                      AND created_at >= \(since) ORDER BY id DESC LIMIT 1
                    """)
            }
            guard let id: String = try row?.decode("message_id") else { return .notFound }
            return .found(providerID: id)
        } catch {
            return .failed("outbox lookup failed")
        }
    }
}
