import Campaigns
import Hummingbird

/// `POST /api/v1/cron/tick`: the WordPress cron's tick (signed without a user).
struct CronController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.post, "cron/tick", .system, use: tick)
    }

    /// Activates due campaigns and, without a worker, sends a batch (the registrar admits only
    /// the system identity).
    @Sendable func tick(_ request: Request, context: AppRequestContext) async throws -> Response {
        jsonResponse(try await deps.cronTick.runTick())
    }
}
