import Campaigns
import Foundation
import MariaDB

/// Duplicate: a fresh draft "… (copy)" of a campaign, without its logs (DESIGN §4).
extension MariaDBCampaignRepository {
    public func duplicate(scope: TenantScope, id: Int, createdBy: Int?, access: AccessCheck) async throws -> CampaignView {
        try await pool.withTransaction { tx in try await duplicate(tx, scope: scope, id: id, createdBy: createdBy, access: access) }
    }

    /// The copy in the caller's transaction (a broadcast copies its campaigns together).
    func duplicate(_ db: MariaDBTransaction, scope: TenantScope, id: Int, createdBy: Int?, access: AccessCheck) async throws
        -> CampaignView
    {
        let source = try await require(db, scope: scope, id: id, lock: false, access: access)
        if source.kind == .manual { throw DomainError.conflict(.invalidTransition, message: Self.manualMessage) }
        let suffix = " (copy)"
        let name = source.name.count + suffix.count > 190 ? String(source.name.prefix(190 - suffix.count)) + suffix : source.name + suffix
        let draft = CampaignDraft(
            channel: source.channel, name: name, segment: source.segment, filters: source.filters,
            templateID: source.templateID, subject: source.subject, body: source.body, contentSID: source.contentSID,
            contentVariables: source.contentVariables,
            scheduledAt: (source.scheduledAt ?? .distantPast) > clock.now() ? source.scheduledAt : nil,
            recurrence: source.recurrence, repeatRule: source.repeatRule, holdoutPercent: source.holdoutPercent,
            audienceID: source.audienceID, warnings: [], localized: source.localized)
        let copy = try await insert(db, scope: scope, draft: try await withSavedAudience(db, scope: scope, draft), createdBy: createdBy)
        try await record(db, scope, createdBy, .duplicate, copy.campaign, CampaignAuditDetail.created(draft, source: source.id))
        return copy
    }
}
