import Foundation

/// Broadcasts (DESIGN §14), tenant-scoped: a thin layer over one campaign per channel. Every
/// change runs in one transaction over all of the broadcast's campaigns, locked, and checks
/// `access` on each of them (so on every channel); a refusal for one campaign refuses all and
/// changes nothing. Audit entries are written per campaign, as for campaigns.
public protocol BroadcastRepository: Sendable {
    /// The broadcast row and one draft campaign per channel, each with `broadcast_id`.
    func create(scope: TenantScope, draft: BroadcastDraft, createdBy: Int?) async throws -> BroadcastView
    func view(scope: TenantScope, id: Int, access: AccessCheck) async throws -> BroadcastView
    /// Newest first; only broadcasts all of whose channels are in `channels`.
    func list(scope: TenantScope, search: String?, channels: Set<Channel>, page: PageRequest) async throws -> Page<BroadcastView>
    /// §4's edit rules on every campaign; a channel left out deletes its campaign (under the
    /// same rules), a channel added creates one.
    func update(scope: TenantScope, id: Int, draft: BroadcastDraft, access: AccessCheck, by user: Int?) async throws -> BroadcastView
    func delete(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws
    /// Snapshots (or schedules) every channel together; `first` mode leaves a customer already
    /// in an earlier channel's snapshot out of the later ones.
    func send(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws -> BroadcastView
    /// Pause, resume or cancel every campaign that has not ended.
    func control(scope: TenantScope, id: Int, _ control: RunControl, access: AccessCheck, by user: Int?) async throws -> BroadcastView
    /// A fresh draft broadcast "… (copy)" with a copy of every campaign.
    func duplicate(scope: TenantScope, id: Int, createdBy: Int?, access: AccessCheck) async throws -> BroadcastView
}
