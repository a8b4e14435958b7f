import Campaigns
import Foundation
import Synchronization

/// Saved audiences in memory (DESIGN §16), stored with the campaigns of
/// ``InMemoryCampaignRepository`` so `used_by` and the in-use check see them under one lock.
/// Like the other in-memory stores it keeps no audit trail.
public struct InMemoryAudienceLibrary: AudienceLibrary {
    let campaigns: InMemoryCampaignRepository
    let clock: any WallClock

    public init(campaigns: InMemoryCampaignRepository, clock: any WallClock) {
        self.campaigns = campaigns
        self.clock = clock
    }

    public func list(scope: TenantScope, channels: Set<Channel>, search: String?, page: PageRequest) async throws -> Page<SavedAudience> {
        let term = search?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let all = campaigns.state.withLock { state in
            state.audiences.values
                .filter { $0.scope == scope && channels.contains($0.audience.channel) }
                .filter { term.isEmpty || $0.audience.name.lowercased().contains(term) }
                .map { Self.withUsers($0.audience, state, scope) }
                .sorted { $0.id > $1.id }
        }
        return Page(items: Array(all.dropFirst(page.offset).prefix(page.perPage)), total: all.count, page: page.page, perPage: page.perPage)
    }

    public func get(scope: TenantScope, id: Int, access: AccessCheck) async throws -> SavedAudience {
        try campaigns.state.withLock { state in try Self.require(state, scope, id, access) }
    }

    public func create(scope: TenantScope, draft: AudienceDraft, by user: Int?) async throws -> SavedAudience {
        let now = clock.now()
        return campaigns.state.withLock { state in
            defer { state.nextAudienceID += 1 }
            let audience = SavedAudience(
                id: state.nextAudienceID, name: draft.name, channel: draft.channel, segment: draft.segment, filters: draft.filters,
                createdBy: user, createdAt: now, updatedAt: now)
            state.audiences[audience.id] = (scope, audience)
            return audience
        }
    }

    public func update(scope: TenantScope, id: Int, draft: AudienceDraft, access: AccessCheck, by user: Int?) async throws
        -> SavedAudience
    {
        let now = clock.now()
        return try campaigns.state.withLock { state in
            var audience = try Self.require(state, scope, id, access)
            try access.check(draft.channel)
            audience.name = draft.name
            audience.channel = draft.channel
            audience.segment = draft.segment
            audience.filters = draft.filters
            audience.updatedAt = now
            state.audiences[id] = (scope, audience)
            return audience
        }
    }

    public func delete(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws {
        try campaigns.state.withLock { state in
            _ = try Self.require(state, scope, id, access)
            let users = state.campaigns.values.filter { $0.scope == scope && $0.campaign.audienceID == id }.map(\.campaign)
            let blocking = users.filter(AudienceUse.blocks).map(\.id).sorted()
            if !blocking.isEmpty { throw AudienceUse.inUse(blocking) }
            for campaign in users { state.campaigns[campaign.id]?.campaign.audienceID = nil }
            state.audiences[id] = nil
        }
    }

    private static func require(
        _ state: InMemoryCampaignRepository.State, _ scope: TenantScope, _ id: Int, _ access: AccessCheck
    ) throws -> SavedAudience {
        guard let entry = state.audiences[id], entry.scope == scope else { throw DomainError.notFound("audience") }
        try access.check(entry.audience.channel)
        return withUsers(entry.audience, state, scope)
    }

    private static func withUsers(_ audience: SavedAudience, _ state: InMemoryCampaignRepository.State, _ scope: TenantScope)
        -> SavedAudience
    {
        var audience = audience
        audience.usedBy = state.campaigns.values.filter { $0.scope == scope && $0.campaign.audienceID == audience.id }
            .map(\.campaign.id).sorted()
        return audience
    }
}
