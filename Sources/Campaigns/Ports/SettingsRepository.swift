import Foundation

/// Per-tenant, per-channel settings (`{prefix}bkntc_campaign_settings`).
public protocol SettingsRepository: Sendable {
    func stored(scope: TenantScope, channel: Channel) async throws -> StoredSettings
    /// Applies `update` and writes its audit entry (old and new values) in the same transaction,
    /// naming `user`; returns the stored values afterwards.
    func apply(_ update: SettingsUpdate, scope: TenantScope, channel: Channel, by user: Int?) async throws -> StoredSettings
}
