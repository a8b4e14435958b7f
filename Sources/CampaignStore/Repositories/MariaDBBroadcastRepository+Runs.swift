import Campaigns
import Foundation
import MariaDB

/// A broadcast's edits and runs: every campaign changes in one transaction, or none does.
extension MariaDBBroadcastRepository {
    public func update(scope: TenantScope, id: Int, draft: BroadcastDraft, access: AccessCheck, by user: Int?) async throws
        -> BroadcastView
    {
        try await pool.withTransaction { tx in
            let (_, members) = try await load(tx, scope: scope, id: id, lock: true, access: access)
            for channel in draft.channels { try access.check(channel) }
            var views: [CampaignView] = []
            for campaignDraft in draft.campaigns {
                if let current = members.first(where: { $0.channel == campaignDraft.channel }) {
                    views.append(try await campaigns.update(tx, scope: scope, id: current.id, draft: campaignDraft, access: access, by: user))
                } else {
                    try await campaigns.checkTemplate(tx, scope: scope, draft: campaignDraft)
                    let resolved = try await campaigns.withSavedAudience(tx, scope: scope, campaignDraft)
                    let view = try await campaigns.insert(tx, scope: scope, draft: resolved, createdBy: user)
                    var detail = CampaignAuditDetail.created(resolved)
                    detail["broadcast_id"] = .number(Double(id))
                    views.append(try await adopt(tx, scope: scope, view, into: id, by: user, .create, detail))
                }
            }
            // A channel left out: its campaign goes, under the rules of an edit (nothing sent yet).
            for campaign in members where !draft.channels.contains(campaign.channel) {
                try await refuseUnlessEditable(tx, scope: scope, campaign)
                try await campaigns.delete(tx, scope: scope, id: campaign.id, access: access, by: user)
            }
            try await tx.execute(
                """
                UPDATE \(identifier: table) SET name = \(draft.name), channels = \(Self.channelsText(draft.channels)), mode = \(draft.mode),
                  updated_at = \(campaigns.now())
                WHERE id = \(id) AND tenant_key = \(scope.key)
                """)
            guard let broadcast = try await require(tx, scope: scope, id: id, lock: false) else { throw DomainError.notFound("broadcast") }
            return BroadcastView(broadcast: broadcast, campaigns: views)
        }
    }

    /// §4's edit rule for a campaign that an edit of its broadcast removes.
    private func refuseUnlessEditable(_ tx: MariaDBTransaction, scope: TenantScope, _ campaign: Campaign) async throws {
        let attempted =
            try await tx.queryFirst(
                """
                SELECT COUNT(*) AS n FROM \(identifier: campaigns.logs)
                WHERE campaign_id = \(campaign.id) AND tenant_key = \(scope.key)
                  AND (attempts > 0 OR status NOT IN (\(list: [LogStatus.pending, .skipped])))
                """
            )?.decode("n", as: Int.self) ?? 0
        _ = try CampaignLifecycle(status: campaign.status, attemptedRows: attempted).apply(.edit)
    }

    public func send(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws -> BroadcastView {
        try await pool.withConnection { db in
            let countryCode = try await campaigns.settings.defaultCountryCode(scope: scope, on: db)
            return try await db.withTransaction { tx in
                let (broadcast, members) = try await load(tx, scope: scope, id: id, lock: true, access: access)
                for campaign in members { _ = try CampaignLifecycle(status: campaign.status, attemptedRows: 0).apply(.send) }
                let now = campaigns.now()
                var views: [CampaignView] = []
                if members.contains(where: { ($0.scheduledAt ?? .distantPast) > now }) {
                    for campaign in members { views.append(try await campaigns.schedule(tx, scope: scope, campaign, now: now, by: user)) }
                } else {
                    views = try await campaigns.snapshot(
                        tx, broadcast: broadcast, members, scope: scope, countryCode: countryCode, now: now, by: user)
                }
                return BroadcastView(broadcast: broadcast, campaigns: views)
            }
        }
    }

    public func control(scope: TenantScope, id: Int, _ control: RunControl, access: AccessCheck, by user: Int?) async throws
        -> BroadcastView
    {
        try await pool.withTransaction { tx in
            let (broadcast, members) = try await load(tx, scope: scope, id: id, lock: true, access: access)
            let ended: Set<CampaignStatus> = [.completed, .failed, .cancelled]
            let live = members.filter { !ended.contains($0.status) }
            // Nothing left to act on: the refusal the first campaign would get.
            if live.isEmpty, let first = members.first {
                _ = try CampaignLifecycle(status: first.status, attemptedRows: 0).apply(control.action)
                throw DomainError.conflict(.invalidTransition, message: "every campaign of this broadcast has ended")
            }
            // Refused for one, refused for all: check every campaign before changing any.
            for campaign in live { _ = try CampaignLifecycle(status: campaign.status, attemptedRows: 0).apply(control.action) }
            var views: [CampaignView] = []
            for campaign in members {
                if live.contains(campaign) {
                    views.append(try await campaigns.control(tx, scope: scope, id: campaign.id, control, access: access, by: user))
                } else {
                    views.append(try await campaigns.view(tx, scope: scope, campaign))
                }
            }
            return BroadcastView(broadcast: broadcast, campaigns: views)
        }
    }
}

extension MariaDBCampaignRepository {
    /// Snapshots a broadcast's campaigns (locked by the caller, in channel order) in the
    /// caller's transaction: in `first` mode each channel leaves out the customers of the
    /// earlier channels' new runs (DESIGN §14). Writes each campaign's `send` audit entry
    /// (`user` nil = the scheduler).
    func snapshot(
        _ tx: MariaDBTransaction, broadcast: Broadcast, _ members: [Campaign], scope: TenantScope, countryCode: String?, now: Date,
        by user: Int?
    ) async throws -> [CampaignView] {
        var earlier: [RunReference] = []
        var views: [CampaignView] = []
        for campaign in members {
            let view = try await snapshot(
                tx, campaign: campaign, scope: scope, countryCode: countryCode, now: now, excluding: broadcast.mode == .first ? earlier : [])
            earlier.append(RunReference(campaignID: campaign.id, run: view.campaign.currentRun))
            views.append(view)
            try await record(
                tx, scope, user, .send, campaign,
                [
                    "name": .string(campaign.name), "run": .number(Double(view.campaign.currentRun)),
                    "recipients": .number(Double(view.campaign.totalCount)), "status": .string(view.campaign.status.rawValue),
                    "broadcast_id": .number(Double(broadcast.id)),
                ])
        }
        return views
    }

    /// A draft with a future `scheduled_at` goes to `scheduled` (no snapshot yet).
    func schedule(_ tx: MariaDBTransaction, scope: TenantScope, _ campaign: Campaign, now: Date, by user: Int?) async throws -> CampaignView {
        try await tx.execute(
            """
            UPDATE \(identifier: campaigns) SET status = \(CampaignStatus.scheduled), status_reason = NULL, updated_at = \(now)
            WHERE id = \(campaign.id) AND tenant_key = \(scope.key)
            """)
        var detail: [String: JSONValue] = ["name": .string(campaign.name)]
        if let scheduledAt = campaign.scheduledAt { detail["scheduled_at"] = .string(scheduledAt.formatted(.iso8601)) }
        if let recurrence = campaign.recurrence { detail["recurrence"] = .string(recurrence.source) }
        if let broadcastID = campaign.broadcastID { detail["broadcast_id"] = .number(Double(broadcastID)) }
        try await record(tx, scope, user, .schedule, campaign, detail)
        var scheduled = campaign
        scheduled.status = .scheduled
        scheduled.statusReason = nil
        scheduled.updatedAt = now
        return CampaignView(campaign: scheduled, progress: CampaignProgress(status: .scheduled))
    }
}
