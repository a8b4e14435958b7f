import Campaigns
import Foundation
import Synchronization

/// What providers and recipients tell the service, in memory: delivery statuses on messages a
/// test records as sent (a status for an unknown sid waits for it, never downgrading a later
/// state), STOP and START replies and unsubscribes on an ``InMemorySuppressionRepository``, and
/// the unsubscribe page's language as a test sets it.
public final class InMemoryProviderEvents: ProviderEventStore {
    private struct State {
        var messages: [String: (scope: TenantScope, status: LogStatus, error: String?)] = [:]
        var waiting: [String: (status: DeliveryStatus, error: String?, tenants: Set<TenantScope>)] = [:]
        var locales: [String: String] = [:]
    }
    private let state = Mutex(State())
    private let suppressions: InMemorySuppressionRepository

    public init(suppressions: InMemorySuppressionRepository) { self.suppressions = suppressions }

    /// A message the provider accepted as `sid` for the tenant of `scope`; a status that arrived
    /// before it applies now.
    public func recordSent(sid: String, scope: TenantScope = .singleSite) {
        state.withLock { state in
            state.messages[sid] = (scope, .sent, nil)
            if let early = state.waiting.removeValue(forKey: sid), early.tenants.contains(scope) {
                state.messages[sid] = (scope, early.status == .delivered ? .delivered : .undelivered, early.error)
            }
        }
    }

    /// The status and last error of the message `sid` (nil: none recorded).
    public func message(sid: String) -> (status: LogStatus, error: String?)? {
        state.withLock { $0.messages[sid].map { ($0.status, $0.error) } }
    }

    /// The language the unsubscribe page of `campaignID`'s message to `address` shows.
    public func setLocale(_ locale: String, scope: TenantScope = .singleSite, campaignID: Int, address: String) {
        state.withLock { $0.locales[Self.key(scope, campaignID, address)] = locale }
    }

    public func applyStatus(sid: String, status: DeliveryStatus, errorCode: String?, tenants: [TenantScope]) async throws -> Bool {
        if tenants.isEmpty { return false }
        let error = status == .delivered ? nil : String((errorCode ?? "undelivered").prefix(16))
        return state.withLock { state in
            if let message = state.messages[sid], tenants.contains(message.scope) {
                guard message.status == .sent else { return false }
                state.messages[sid] = (message.scope, status == .delivered ? .delivered : .undelivered, error)
                return true
            }
            state.waiting[sid] = (status, error, Set(tenants))
            return false
        }
    }

    public func suppress(_ address: String, scopes: [TenantScope], channel: Channel, reason: String, source: SuppressionSource) async throws {
        for scope in scopes {
            _ = try await suppressions.add(scope: scope, channel: channel, address: address, reason: reason, source: source, by: nil)
        }
    }

    public func removeStopSuppression(_ address: String, scopes: [TenantScope], channel: Channel) async throws {
        for scope in scopes {
            suppressions.remove(address: address, scope: scope, channel: channel, reason: SuppressionReason.stopReply)
        }
    }

    public func locale(scope: TenantScope, campaignID: Int?, address: String) async throws -> String? {
        guard let campaignID else { return nil }
        return state.withLock { $0.locales[Self.key(scope, campaignID, address)] }
    }

    private static func key(_ scope: TenantScope, _ campaignID: Int, _ address: String) -> String {
        "\(scope.key)/\(campaignID)/\(address.lowercased())"
    }
}
