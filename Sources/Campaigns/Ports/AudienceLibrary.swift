import Foundation

/// The tenant's saved audiences (DESIGN §16). Every method is tenant-scoped; one that acts on an
/// existing audience checks `access` on its stored channel (under the row lock for changes), and
/// every change writes its audit entry in its own transaction, naming `user` (nil = the system).
public protocol AudienceLibrary: Sendable {
    /// Audiences of `channels` (the caller's), newest first, their names searched by `search`.
    func list(scope: TenantScope, channels: Set<Channel>, search: String?, page: PageRequest) async throws -> Page<SavedAudience>
    /// The audience with its `used_by`; `notFound` for another tenant's.
    func get(scope: TenantScope, id: Int, access: AccessCheck) async throws -> SavedAudience
    func create(scope: TenantScope, draft: AudienceDraft, by user: Int?) async throws -> SavedAudience
    /// Checks `access` on the stored channel and on the draft's.
    func update(scope: TenantScope, id: Int, draft: AudienceDraft, access: AccessCheck, by user: Int?) async throws -> SavedAudience
    /// Refuses with `audience_in_use` while a campaign that can still send uses it (``AudienceUse``);
    /// the other campaigns that referenced it keep their copy of its segment.
    func delete(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws
}
