import Campaigns
import Foundation
import MariaDB

/// Outcomes, a batch at a time.
extension MariaDBRecipientQueue {
    /// Writes a batch of outcomes (and the suppressions they call for) in one transaction of a
    /// few statements, whatever the batch size: one UPDATE per kind of outcome.
    public func record(_ results: [RowResult], suppress: [SuppressionRequest] = [], claimToken: String, now: Date) async throws {
        if results.isEmpty, suppress.isEmpty { return }
        // In ascending id order, as the claim takes them: each UPDATE below then locks its rows
        // in primary-key order, and two lanes recording at once never deadlock each other.
        let results = results.sorted { $0.id < $1.id }
        try await db.withTransaction(deadlockRetries: 5) { tx in
            var sent: [(Int, String)] = []
            var retries: [(Int, Date, String)] = []
            var failures: [(Int, String)] = []
            var skips: [(Int, String)] = []
            var holds: [(Int, Date)] = []
            var releases: [Int] = []
            var deferrals: [(Int, Date)] = []
            var throttles: [(Int, Date)] = []
            for result in results {
                switch result {
                case .sent(let id, let providerID): sent.append((id, providerID))
                case .retry(let id, let at, let error): retries.append((id, Self.wholeSecondUp(at), String(error.storedText.prefix(255))))
                case .failed(let id, let error): failures.append((id, String(error.storedText.prefix(255))))
                case .skipped(let id, let reason): skips.append((id, reason.rawValue))
                case .held(let id, let until): holds.append((id, until))
                case .released(let id): releases.append(id)
                case .deferred(let id, let until): deferrals.append((id, Self.wholeSecondUp(until)))
                case .throttled(let id, let until): throttles.append((id, Self.wholeSecondUp(until)))
                }
            }
            // Only rows this claim still holds: a batch that outlived its lease finds its rows
            // taken over by recovery and changes nothing.
            let claimedOnly: MariaDBQuery = "status = \(LogStatus.sending) AND claimed_by = \(claimToken)"
            if !sent.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.sent), attempts = attempts + 1, last_error = NULL,
                      provider_message_id = \(Self.cases(sent)), sent_at = \(now), next_attempt_at = NULL, claimed_by = NULL,
                      updated_at = \(now)
                    WHERE id IN (\(list: sent.map(\.0))) AND \(claimedOnly)
                    """)
                // Status callbacks that arrived before these sids were stored (DESIGN §7).
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) l JOIN \(identifier: callbacks) c ON c.message_sid = l.provider_message_id
                    SET l.status = IF(c.status = 'delivered', \(LogStatus.delivered), \(LogStatus.undelivered)),
                      l.last_error = IF(c.status = 'delivered', NULL, c.error_code), l.updated_at = \(now)
                    WHERE l.id IN (\(list: sent.map(\.0))) AND l.status = \(LogStatus.sent) AND FIND_IN_SET(l.tenant_key, c.tenant_keys) > 0
                    """)
            }
            if !retries.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.pending), attempts = attempts + 1,
                      next_attempt_at = \(Self.cases(retries.map { ($0.0, $0.1) })), last_error = \(Self.cases(retries.map { ($0.0, $0.2) })),
                      claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: retries.map(\.0))) AND \(claimedOnly)
                    """)
            }
            if !failures.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.failed), attempts = attempts + 1,
                      last_error = \(Self.cases(failures)), next_attempt_at = NULL, claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: failures.map(\.0))) AND \(claimedOnly)
                    """)
            }
            if !skips.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.skipped), last_error = \(Self.cases(skips)),
                      next_attempt_at = NULL, claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: skips.map(\.0))) AND \(claimedOnly)
                    """)
            }
            if !holds.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.pending), next_attempt_at = \(Self.cases(holds)),
                      held = 1, last_error = NULL, claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: holds.map(\.0))) AND \(claimedOnly)
                    """)
            }
            if !releases.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.pending), claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: releases)) AND \(claimedOnly)
                    """)
            }
            if !deferrals.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.pending), next_attempt_at = \(Self.cases(deferrals)),
                      claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: deferrals.map(\.0))) AND \(claimedOnly)
                    """)
            }
            if !throttles.isEmpty {
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) SET status = \(LogStatus.pending), next_attempt_at = \(Self.cases(throttles)),
                      throttles = throttles + 1, claimed_by = NULL, updated_at = \(now)
                    WHERE id IN (\(list: throttles.map(\.0))) AND \(claimedOnly)
                    """)
            }
            if !results.isEmpty {
                // A campaign cancelled while this batch was in flight: what came back pending ends
                // skipped, as the cancel did with the rest.
                try await tx.execute(
                    """
                    UPDATE \(identifier: logs) l JOIN \(identifier: campaigns) c ON c.id = l.campaign_id
                    SET l.status = \(LogStatus.skipped), l.last_error = \(SkipReason.cancelled), l.next_attempt_at = NULL,
                      l.updated_at = \(now)
                    WHERE l.id IN (\(list: results.map(\.id))) AND l.status = \(LogStatus.pending)
                      AND c.status = \(CampaignStatus.cancelled)
                    """)
            }
            if !suppress.isEmpty {
                let rows = MariaDBQuery.joined(
                    suppress.map {
                        "(\($0.scope.tenantID), \($0.scope.key), \($0.channel), \($0.address), \($0.reason), \(SuppressionSource.provider), \(now))"
                    }, separator: ", ")
                try await tx.execute(
                    """
                    INSERT IGNORE INTO \(identifier: suppressions) (tenant_id, tenant_key, channel, address, reason, source, created_at)
                    VALUES \(rows)
                    """)
            }
        }
    }

    /// Rounded up to a whole second: a retry stored in DATETIME is never earlier than its delay.
    static func wholeSecondUp(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.up)) }

    /// `CASE id WHEN ? THEN ? … END` for per-row values in one UPDATE.
    static func cases<Value: MariaDBBindable>(_ pairs: [(Int, Value)]) -> MariaDBQuery {
        var query: MariaDBQuery = "CASE id"
        for (id, value) in pairs { query.append(" WHEN \(id) THEN \(value)") }
        query.append(" END")
        return query
    }
}
