import Campaigns
import Foundation
import Synchronization

/// Per-tenant, per-channel settings in memory (DESIGN §10): a change keeps, sets or resets each
/// value and, when anything changed, writes its audit entry (old and new values) to `audit`.
public final class InMemorySettingsRepository: SettingsRepository {
    private struct Key: Hashable {
        let scope: TenantScope
        let channel: Channel
    }
    private let settings = Mutex<[Key: StoredSettings]>([:])
    private let audit: InMemoryAuditLog
    private let clock: any WallClock

    public init(audit: InMemoryAuditLog, clock: any WallClock) {
        self.audit = audit
        self.clock = clock
    }

    public func stored(scope: TenantScope, channel: Channel) async throws -> StoredSettings {
        settings.withLock { $0[Key(scope: scope, channel: channel)] } ?? StoredSettings()
    }

    public func apply(_ update: SettingsUpdate, scope: TenantScope, channel: Channel, by user: Int?) async throws -> StoredSettings {
        let key = Key(scope: scope, channel: channel)
        let (old, new) = settings.withLock { settings in
            let old = settings[key] ?? StoredSettings()
            var new = old
            Self.change(&new.quietHours, update.quietHours)
            Self.change(&new.timezone, update.timezone)
            Self.change(&new.frequencyCap, update.frequencyCap)
            Self.change(&new.rateLimit, update.rateLimit)
            Self.change(&new.attributionDays, update.attributionDays)
            Self.change(&new.locale, update.locale)
            Self.change(&new.tracking, update.tracking)
            settings[key] = new
            return (old, new)
        }
        let detail = StoredSettings.auditChanges(from: old, to: new)
        if case .object(let changes)? = detail["changes"], !changes.isEmpty {
            audit.append(
                AuditEntry(
                    at: clock.now(), scope: scope, userID: user, action: .update, objectType: .settings, objectID: nil, channel: channel,
                    detail: detail))
        }
        return new
    }

    private static func change<Value>(_ value: inout Value?, _ change: SettingChange<Value>) {
        switch change {
        case .keep: break
        case .set(let new): value = new
        case .reset: value = nil
        }
    }
}
