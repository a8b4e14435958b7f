import Campaigns
import Foundation
import MariaDB

extension MariaDBCampaignRepository {
    /// Creates a campaign of kind `manual` and queues its recipients in one transaction
    /// (DESIGN §7): suppressed addresses are left out and counted. With nobody left it ends
    /// `failed` / `no_recipients` at once, like any campaign.
    public func createManual(
        scope: TenantScope, draft: ManualSendDraft, recipients: [Recipient], createdBy: Int?
    ) async throws -> (view: CampaignView, suppressed: Int) {
        let now = Date(timeIntervalSince1970: clock.now().timeIntervalSince1970.rounded(.down))
        let suppressions = self.suppressions
        return try await pool.withTransaction { tx in
            var listed = Set<String>()
            for chunk in recipients.chunked(1000) {
                let rows = try await tx.query(
                    """
                    SELECT address FROM \(identifier: suppressions)
                    WHERE tenant_key = \(scope.key) AND channel = \(draft.channel) AND address IN (\(list: chunk.map(\.address)))
                    """)
                for row in rows { listed.insert((try row.decode("address", as: String.self)).lowercased()) }
            }
            let queued = recipients.filter { !listed.contains($0.address.lowercased()) }
            if !draft.confirmDuplicate, !queued.isEmpty,
                let earlier = try await recentDuplicate(tx, scope: scope, draft: draft, addresses: queued.map(\.address), now: now)
            {
                throw DuplicateSend.refusal(recipients: queued.count, sentAt: earlier, now: now)
            }
            let status: CampaignStatus = queued.isEmpty ? .failed : .queued
            let id = try await tx.execute(
                """
                INSERT INTO \(identifier: campaigns) (tenant_id, tenant_key, channel, kind, name, status, status_reason, segment, filters,
                  subject, body, action_label, action_url, current_run, total_count, created_by, created_at, updated_at, started_at,
                  finished_at)
                VALUES (\(scope.tenantID), \(scope.key), \(draft.channel), \(CampaignKind.manual), \(draft.name), \(status),
                  \(queued.isEmpty ? StatusReason.noRecipients : nil), \(Self.json(Segment(type: .allCustomers))),
                  \(Self.json(SegmentFilters())), \(draft.subject), \(draft.body), \(draft.action?.label), \(draft.action?.url), 1, \(queued.count), \(createdBy), \(now), \(now), \(now),
                  \(queued.isEmpty ? now : nil))
                """
            ).lastInsertID
            for chunk in queued.chunked(500) {
                let values = MariaDBQuery.joined(
                    chunk.map {
                        """
                        (\(scope.tenantID), \(scope.key), \(id), 1, \(draft.channel), \($0.customerID == 0 ? nil : $0.customerID),
                          \($0.address), \($0.firstName), \($0.lastName), \(LogStatus.pending), \(now), \(now))
                        """
                    }, separator: ", ")
                try await tx.execute(
                    """
                    INSERT INTO \(identifier: logs) (tenant_id, tenant_key, campaign_id, run, channel, customer_id, address, first_name,
                      last_name, status, created_at, updated_at)
                    VALUES \(values)
                    """)
            }
            guard let campaign = try await require(tx, id: id) else { throw DomainError.notFound("campaign") }
            var detail: [String: JSONValue] = [
                "name": .string(draft.name), "recipients": .number(Double(queued.count)),
                "suppressed": .number(Double(recipients.count - queued.count)), "body": .string(AuditEntry.excerpt(draft.body)),
            ]
            if let subject = draft.subject { detail["subject"] = .string(AuditEntry.excerpt(subject)) }
            try await audit.write(
                tx,
                AuditEntry(
                    at: now, scope: scope, userID: createdBy, action: .manualSend, objectType: .campaign, objectID: id,
                    channel: draft.channel, detail: detail))
            var progress = CampaignProgress(status: campaign.status)
            progress.total = queued.count
            progress.pending = queued.count
            return (CampaignView(campaign: campaign, progress: progress), recipients.count - queued.count)
        }
    }
}

extension MariaDBCampaignRepository {
    /// When the tenant queued the same manual send (channel, subject, body and addresses) within
    /// ``DuplicateSend/window``, the latest such time; nil when it did not. Bodies and subjects
    /// compare exactly in Swift (the column's collation ignores case and accents).
    func recentDuplicate(
        _ db: some MariaDBQueryable, scope: TenantScope, draft: ManualSendDraft, addresses: [String], now: Date
    ) async throws -> Date? {
        let candidates = try await db.query(
            """
            SELECT id, subject, body, created_at FROM \(identifier: campaigns)
            WHERE tenant_key = \(scope.key) AND kind = \(CampaignKind.manual) AND channel = \(draft.channel)
              AND created_at >= \(now.addingTimeInterval(-DuplicateSend.window)) AND total_count = \(addresses.count)
            ORDER BY id DESC LIMIT 20
            """)
        for candidate in candidates {
            guard try candidate.decode("body", as: String.self) == draft.body,
                try candidate.decode("subject", as: String?.self) == draft.subject
            else { continue }
            let id = try candidate.decode("id", as: Int.self)
            let earlier = try await db.query(
                "SELECT address FROM \(identifier: logs) WHERE campaign_id = \(id) AND tenant_key = \(scope.key) AND run = 1")
            if DuplicateSend.sameRecipients(try earlier.map { try $0.decode("address", as: String.self) }, addresses) {
                return try candidate.decode("created_at", as: Date.self)
            }
        }
        return nil
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
