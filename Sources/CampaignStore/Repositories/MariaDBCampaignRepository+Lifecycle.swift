import Campaigns
import Foundation
import MariaDB

/// A campaign's runs: sending now (a snapshot of its audience), pausing, resuming, cancelling.
extension MariaDBCampaignRepository {
    public func send(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws -> CampaignView {
        try await pool.withConnection { db in
            // Read the tenant's country code first, on this lease (usually from the cache).
            let countryCode = try await settings.defaultCountryCode(scope: scope, on: db)
            return try await db.withTransaction { tx in
                var campaign = try await require(tx, scope: scope, id: id, lock: true, access: access)
                if campaign.kind == .manual { throw DomainError.conflict(.invalidTransition, message: Self.manualMessage) }
                _ = try CampaignLifecycle(status: campaign.status, attemptedRows: 0).apply(.send)
                let now = now()
                if let scheduledAt = campaign.scheduledAt, scheduledAt > now {
                    try await tx.execute(
                        """
                        UPDATE \(identifier: campaigns) SET status = \(CampaignStatus.scheduled), status_reason = NULL,
                          updated_at = \(now) WHERE id = \(id)
                        """)
                    var detail: [String: JSONValue] = ["name": .string(campaign.name), "scheduled_at": .string(scheduledAt.formatted(.iso8601))]
                    if let recurrence = campaign.recurrence { detail["recurrence"] = .string(recurrence.source) }
                    try await record(tx, scope, user, .schedule, campaign, detail)
                    campaign.status = .scheduled
                    campaign.statusReason = nil
                    campaign.updatedAt = now
                    return CampaignView(campaign: campaign, progress: CampaignProgress(status: .scheduled))
                }
                let view = try await snapshot(tx, campaign: campaign, scope: scope, countryCode: countryCode, now: now)
                try await record(
                    tx, scope, user, .send, campaign,
                    [
                        "name": .string(campaign.name), "run": .number(Double(view.campaign.currentRun)),
                        "recipients": .number(Double(view.campaign.totalCount)), "status": .string(view.campaign.status.rawValue),
                    ])
                return view
            }
        }
    }

    /// Freezes the audience into the logs as `pending` for a new run and moves the campaign to
    /// `queued` (or `failed`/`no_recipients`). Runs inside the caller's transaction with the
    /// campaign row locked; `countryCode` is the tenant's, read before the transaction. The
    /// sending engine calls this when a scheduled campaign falls due.
    ///
    /// `earlier` lists the runs a `first` broadcast snapshotted for its earlier channels in this
    /// transaction: their customers are left out. A broadcast's campaigns draw their holdout by
    /// the broadcast's id, so a held-out customer is held out on every channel (DESIGN §14).
    public func snapshot(
        _ tx: MariaDBTransaction, campaign: Campaign, scope: TenantScope, countryCode: String?, now: Date,
        excluding earlier: [RunReference] = []
    ) async throws -> CampaignView {
        var audience = try await runAudience(tx, campaign, scope: scope)
        audience.countryCode = countryCode
        audience.earlierSnapshots = earlier
        if audience.segment.type == .birthday {
            audience.timeZone = try await settings.timeZone(scope: scope, channel: campaign.channel, on: tx)
        }
        let run = campaign.currentRun + 1
        let locale = try await ContentLocales.choice(
            for: campaign.localized, scope: scope, channel: campaign.channel, prefix: prefix, on: tx)
        let insert = compiler.snapshot(
            audience, now: Int(now.timeIntervalSince1970), logsTable: logs, campaignID: campaign.id, run: run, createdAt: now,
            holdout: Holdout(percent: campaign.holdoutPercent, broadcastID: campaign.broadcastID), locale: locale)
        let inserted = try await tx.execute(insert).affectedRows
        var updated = campaign
        updated.currentRun = run
        updated.totalCount = inserted
        updated.startedAt = now
        updated.updatedAt = now
        if inserted == 0 {
            try await tx.execute(
                """
                UPDATE \(identifier: campaigns) SET status = \(CampaignStatus.failed), status_reason = \(StatusReason.noRecipients),
                  current_run = \(run), total_count = 0, started_at = \(now), finished_at = \(now), updated_at = \(now)
                WHERE id = \(campaign.id)
                """)
            updated.status = .failed
            updated.statusReason = .noRecipients
            updated.finishedAt = now
        } else {
            try await tx.execute(
                """
                UPDATE \(identifier: campaigns) SET status = \(CampaignStatus.queued), status_reason = NULL, current_run = \(run),
                  total_count = \(inserted), started_at = \(now), finished_at = NULL, updated_at = \(now)
                WHERE id = \(campaign.id)
                """)
            updated.status = .queued
            updated.statusReason = nil
            updated.finishedAt = nil
        }
        if campaign.holdoutPercent > 0 {
            // Some rows went in as skipped (held out): count them as stored.
            return try await view(tx, scope: scope, updated)
        }
        var progress = CampaignProgress(status: updated.status)
        progress.add(inserted, .pending)
        return CampaignView(campaign: updated, progress: progress)
    }

    public func control(scope: TenantScope, id: Int, _ control: RunControl, access: AccessCheck, by user: Int?) async throws
        -> CampaignView
    {
        try await pool.withTransaction { tx in try await self.control(tx, scope: scope, id: id, control, access: access, by: user) }
    }

    /// The transition in the caller's transaction (a broadcast controls its campaigns together).
    func control(
        _ tx: MariaDBTransaction, scope: TenantScope, id: Int, _ control: RunControl, access: AccessCheck, by user: Int?
    ) async throws -> CampaignView {
        let current = try await require(tx, scope: scope, id: id, lock: true, access: access)
        let target = try CampaignLifecycle(status: current.status, attemptedRows: 0).apply(control.action)
        let now = now()
        let sources = CampaignLifecycle.allowedSources(for: control.action).sorted { $0.rawValue < $1.rawValue }
        let finished: MariaDBQuery = control == .cancel ? ", finished_at = \(now)" : ""
        let changed = try await tx.execute(
            """
            UPDATE \(identifier: campaigns) SET status = \(target), updated_at = \(now)\(finished)
            WHERE id = \(id) AND tenant_key = \(scope.key) AND status IN (\(list: sources))
            """)
        guard changed.affectedRows == 1 else {
            throw DomainError.conflict(.invalidTransition, message: "the campaign changed meanwhile; reload it")
        }
        var skipped = 0
        if control == .cancel {
            skipped = try await tx.execute(
                """
                UPDATE \(identifier: logs) SET status = \(LogStatus.skipped), last_error = \(SkipReason.cancelled), updated_at = \(now)
                WHERE campaign_id = \(id) AND tenant_key = \(scope.key) AND status = \(LogStatus.pending)
                """
            ).affectedRows
        }
        var detail = CampaignAuditDetail.transition(current, to: target)
        if control == .cancel {
            detail["skipped"] = .number(Double(skipped))
        }
        try await record(tx, scope, user, control.auditAction, current, detail)
        var campaign = current
        campaign.status = target
        campaign.updatedAt = now
        if control == .cancel { campaign.finishedAt = now }
        return try await view(tx, scope: scope, campaign)
    }
}
