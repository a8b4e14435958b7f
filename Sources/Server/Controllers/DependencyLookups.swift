import Campaigns
import Foundation

/// What more than one controller asks of the dependencies.
extension AppDependencies {
    /// What keeps `channel` from sending, as the sender sees it (the outbox needs no provider);
    /// nil when it can send.
    func providerProblem(scope: TenantScope, channel: Channel) async -> String? {
        await sender.profile(scope: scope, channel: channel).problem
    }
}
