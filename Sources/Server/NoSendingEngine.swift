import Campaigns
import Engine
import Foundation

/// The sending side of an API served without a sending engine: only `AppDependencies.live`
/// called without one (tests of the API on MariaDB alone); `serve` always has its engine. What
/// keeps a channel from sending comes from Booknetic's provider settings, as the engine's sender
/// reports it; nothing can be sent, so the cron tick answers 503 and a test send fails as not
/// attempted (503).
struct NoSendingEngine: MessageSender, CronTickRunning {
    let providers: any ProviderConfigurationSource

    func profile(scope: TenantScope, channel: Channel) async -> SenderProfile {
        let readiness: SenderReadiness
        do {
            readiness = try await providers.configuration(scope: scope).problem(for: channel).map { .notConfigured($0) } ?? .ready
        } catch {
            readiness = .unavailable
        }
        return SenderProfile(key: "\(scope.key)/\(channel.rawValue)", readiness: readiness)
    }

    func send(_ message: OutgoingMessage) async -> SendOutcome { .settingsUnavailable }

    func lookup(_ message: OutgoingMessage) async -> LookupOutcome { .notFound }

    func runTick() async throws -> TickReport {
        throw APIError(.serviceUnavailable, code: .databaseUnavailable, message: "the sending engine is not running")
    }
}
