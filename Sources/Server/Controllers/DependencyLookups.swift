import Campaigns
import Foundation

/// What more than one controller asks of the dependencies.
extension AppDependencies {
    /// What keeps `channel` from sending: the sender's own view (the outbox needs no provider),
    /// else Booknetic's settings; nil when it can send.
    func providerProblem(scope: TenantScope, channel: Channel) async throws -> String? {
        if let sender { return await sender.profile(scope: scope, channel: channel).problem }
        return try await providers?.configuration(scope: scope).problem(for: channel)
    }

    /// Delivery statuses, STOP replies and unsubscribes; 503 without a database.
    func providerEventStore() throws -> any ProviderEventStore {
        guard let providerEvents else {
            throw APIError(.serviceUnavailable, code: .databaseUnavailable, message: "the database is not available")
        }
        return providerEvents
    }
}
