import Campaigns
import Foundation
import MariaDB

/// Campaigns that reach a saved audience (DESIGN §16): the reference is checked, under a shared
/// lock on the audience, in the transaction that stores it (so an audience being deleted never
/// ends up referenced), and the audience is read again whenever the campaign's recipients are.
extension MariaDBCampaignRepository {
    var audiences: SQLIdentifier { prefix.bkntc("campaign_audiences") }

    /// `draft` with the segment and filters of its saved audience, read under a shared lock
    /// that holds off the audience's deletion until this transaction ends; a draft without one
    /// is returned as is. An audience the tenant does not have → 400 naming `audience_id`.
    func withSavedAudience(_ tx: MariaDBTransaction, scope: TenantScope, _ draft: CampaignDraft) async throws -> CampaignDraft {
        guard let audienceID = draft.audienceID else {
            try await CustomerCategories.check(draft.filters, prefix: prefix, on: tx)
            return draft
        }
        guard
            let row = try await tx.queryFirst(
                """
                SELECT segment, filters FROM \(identifier: audiences) WHERE id = \(audienceID) AND tenant_key = \(scope.key)
                LOCK IN SHARE MODE
                """)
        else { throw AudienceUse.unknown }
        var resolved = draft
        (resolved.segment, resolved.filters) = try Self.segmentAndFilters(row)
        try await CustomerCategories.check(resolved.filters, prefix: prefix, on: tx)
        return resolved
    }

    /// Who the campaign's next run reaches: its saved audience's segment and filters as they are
    /// now (a recurring campaign follows edits), on the campaign's channel; its own otherwise.
    func runAudience(_ db: some MariaDBQueryable, _ campaign: Campaign, scope: TenantScope) async throws -> AudienceDefinition {
        var audience = campaign.nextRunAudience(in: scope)
        if let audienceID = campaign.audienceID,
            let row = try await db.queryFirst(
                "SELECT segment, filters FROM \(identifier: audiences) WHERE id = \(audienceID) AND tenant_key = \(scope.key)")
        {
            (audience.segment, audience.filters) = try Self.segmentAndFilters(row)
        }
        try await CustomerCategories.check(audience.filters, prefix: prefix, on: db)
        return audience
    }

    /// The stored JSON of a `segment` and `filters` column pair.
    static func segmentAndFilters(_ row: MariaDBRow) throws -> (Segment, SegmentFilters) {
        let decoder = JSONDecoder()
        let segment = try decoder.decode(Segment.self, from: Data(try row.decode("segment", as: String.self).utf8))
        let filters =
            try (try row.decode("filters", as: String?.self)).map { try decoder.decode(SegmentFilters.self, from: Data($0.utf8)) }
            ?? SegmentFilters()
        return (segment, filters)
    }
}
