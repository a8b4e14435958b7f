import Campaigns
import Foundation
import Synchronization

/// Broadcasts over an ``InMemoryCampaignRepository`` for router tests: the same tenant scoping,
/// access checks on every campaign and "refused for one, refused for all" as the MariaDB one
/// (checked before any campaign changes); the snapshot is the campaigns' own (the `first`
/// mode's exclusions are the MariaDB tests' business).
public final class InMemoryBroadcastRepository: BroadcastRepository {
    let campaigns: InMemoryCampaignRepository
    private let clock: any WallClock
    private let state = Mutex((broadcasts: [Int: (scope: TenantScope, broadcast: Broadcast)](), nextID: 1))

    public init(campaigns: InMemoryCampaignRepository, clock: any WallClock) {
        self.campaigns = campaigns
        self.clock = clock
    }

    public func create(scope: TenantScope, draft: BroadcastDraft, createdBy: Int?) async throws -> BroadcastView {
        let now = clock.now()
        let broadcast = state.withLock { state in
            defer { state.nextID += 1 }
            let broadcast = Broadcast(
                id: state.nextID, tenantID: scope.tenantID, name: draft.name, channels: draft.channels, mode: draft.mode,
                createdBy: createdBy, createdAt: now, updatedAt: now)
            state.broadcasts[broadcast.id] = (scope, broadcast)
            return broadcast
        }
        var views: [CampaignView] = []
        for campaignDraft in draft.campaigns {
            views.append(adopt(try await campaigns.create(scope: scope, draft: campaignDraft, createdBy: createdBy), into: broadcast.id))
        }
        return BroadcastView(broadcast: broadcast, campaigns: views)
    }

    public func view(scope: TenantScope, id: Int, access: AccessCheck) async throws -> BroadcastView {
        let (broadcast, members) = try load(scope, id, access)
        var views: [CampaignView] = []
        for campaign in members { views.append(try await campaigns.view(scope: scope, id: campaign.id, access: access)) }
        return BroadcastView(broadcast: broadcast, campaigns: views)
    }

    public func list(scope: TenantScope, search: String?, channels: Set<Channel>, page: PageRequest) async throws -> Page<BroadcastView> {
        let matching = state.withLock { state in
            state.broadcasts.values.filter { entry in
                entry.scope == scope && entry.broadcast.channels.allSatisfy(channels.contains)
                    && (search.map { entry.broadcast.name.localizedCaseInsensitiveContains($0) } ?? true)
            }.map(\.broadcast).sorted { $0.id > $1.id }
        }
        let slice = matching.dropFirst(page.offset).prefix(page.perPage)
        var views: [BroadcastView] = []
        for broadcast in slice {
            let members = memberCampaigns(broadcast.id)
            views.append(
                BroadcastView(
                    broadcast: broadcast, campaigns: members.map { CampaignView(campaign: $0, progress: CampaignProgress(status: $0.status)) }))
        }
        return Page(items: views, total: matching.count, page: page.page, perPage: page.perPage)
    }

    public func update(scope: TenantScope, id: Int, draft: BroadcastDraft, access: AccessCheck, by user: Int?) async throws -> BroadcastView {
        let (broadcast, members) = try load(scope, id, access)
        for channel in draft.channels { try access.check(channel) }
        guard Set(members.map(\.channel)) == Set(draft.channels) else {
            throw DomainError.conflict(.invalidTransition, message: "the in-memory store keeps a broadcast's channels")
        }
        for campaign in members { _ = try CampaignLifecycle(status: campaign.status, attemptedRows: 0).apply(.edit) }
        var views: [CampaignView] = []
        for campaignDraft in draft.campaigns {
            guard let campaign = members.first(where: { $0.channel == campaignDraft.channel }) else { continue }
            views.append(try await campaigns.update(scope: scope, id: campaign.id, draft: campaignDraft, access: access, by: user))
        }
        var updated = broadcast
        updated.name = draft.name
        updated.channels = draft.channels
        updated.mode = draft.mode
        updated.updatedAt = clock.now()
        let stored = updated
        state.withLock { $0.broadcasts[id]?.broadcast = stored }
        return BroadcastView(broadcast: stored, campaigns: views)
    }

    public func delete(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws {
        let (_, members) = try load(scope, id, access)
        for campaign in members { _ = try CampaignLifecycle(status: campaign.status, attemptedRows: 0).apply(.delete) }
        for campaign in members { try await campaigns.delete(scope: scope, id: campaign.id, access: access, by: user) }
        _ = state.withLock { $0.broadcasts.removeValue(forKey: id) }
    }

    public func send(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws -> BroadcastView {
        let (broadcast, members) = try load(scope, id, access)
        for campaign in members { _ = try CampaignLifecycle(status: campaign.status, attemptedRows: 0).apply(.send) }
        var views: [CampaignView] = []
        for campaign in members { views.append(try await campaigns.send(scope: scope, id: campaign.id, access: access, by: user)) }
        return BroadcastView(broadcast: broadcast, campaigns: views)
    }

    public func control(scope: TenantScope, id: Int, _ control: RunControl, access: AccessCheck, by user: Int?) async throws -> BroadcastView {
        let (broadcast, members) = try load(scope, id, access)
        let live = members.filter { ![.completed, .failed, .cancelled].contains($0.status) }
        if live.isEmpty, let first = members.first {
            _ = try CampaignLifecycle(status: first.status, attemptedRows: 0).apply(control.action)
            throw DomainError.conflict(.invalidTransition, message: "every campaign of this broadcast has ended")
        }
        for campaign in live { _ = try CampaignLifecycle(status: campaign.status, attemptedRows: 0).apply(control.action) }
        var views: [CampaignView] = []
        for campaign in members {
            views.append(
                live.contains(campaign)
                    ? try await campaigns.control(scope: scope, id: campaign.id, control, access: access, by: user)
                    : try await campaigns.view(scope: scope, id: campaign.id, access: access))
        }
        return BroadcastView(broadcast: broadcast, campaigns: views)
    }

    public func duplicate(scope: TenantScope, id: Int, createdBy: Int?, access: AccessCheck) async throws -> BroadcastView {
        let (source, members) = try load(scope, id, access)
        let copy = try await create(
            scope: scope, draft: BroadcastDraft(name: source.name + " (copy)", mode: source.mode, campaigns: []), createdBy: createdBy)
        var views: [CampaignView] = []
        for campaign in members {
            views.append(
                adopt(try await campaigns.duplicate(scope: scope, id: campaign.id, createdBy: createdBy, access: access), into: copy.broadcast.id))
        }
        var broadcast = copy.broadcast
        broadcast.channels = source.channels
        let stored = broadcast
        state.withLock { $0.broadcasts[stored.id]?.broadcast = stored }
        return BroadcastView(broadcast: stored, campaigns: views)
    }

    // MARK: - Helpers

    private func adopt(_ view: CampaignView, into id: Int) -> CampaignView {
        campaigns.state.withLock { $0.campaigns[view.campaign.id]?.campaign.broadcastID = id }
        var adopted = view
        adopted.campaign.broadcastID = id
        return adopted
    }

    private func memberCampaigns(_ id: Int) -> [Campaign] {
        campaigns.state.withLock { state in
            state.campaigns.values.map(\.campaign).filter { $0.broadcastID == id }.sorted { $0.id < $1.id }
        }
    }

    /// The tenant's broadcast (404 otherwise) and its campaigns, `access` checked on each.
    private func load(_ scope: TenantScope, _ id: Int, _ access: AccessCheck) throws -> (Broadcast, [Campaign]) {
        guard let entry = state.withLock({ $0.broadcasts[id] }), entry.scope == scope else { throw DomainError.notFound("broadcast") }
        let members = memberCampaigns(id)
        for campaign in members { try access.check(campaign.channel) }
        return (entry.broadcast, members)
    }
}
