import Campaigns
import Hummingbird

/// Live progress over server-sent events (DESIGN §17): `GET /api/v1/campaigns/{id}/events`.
/// Authorized like `GET …/progress` (the read capability on the campaign's channel, the
/// tenant's row or 404); the readings come from the process's shared ``ProgressHub``.
struct EventsController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "campaigns/:id/events", .capability(.read), use: campaignEvents)
    }

    @Sendable func campaignEvents(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try context.scope()
        let id = try context.id()
        let access = try context.capabilityCheck()
        let repo = deps.campaigns
        // 404/403 before the 200 header goes out; this reading is the first event.
        let first = ProgressFrame(campaign: try await repo.progress(scope: scope, id: id, run: nil, access: access))
        // The shared poller reads for every subscriber of the tenant's campaign; each
        // subscriber's own access is checked on every reading it gets.
        let shared = AccessCheck(.read, in: .everything(planChannels: nil))
        let stream = EventStream(
            hub: deps.progressHub, topic: .init(kind: "campaign", scope: scope, id: id),
            read: { ProgressFrame(campaign: try await repo.progress(scope: scope, id: id, run: nil, access: shared)) },
            permits: { frame in frame.channels.allSatisfy { channel in (try? access.check(channel)) != nil } },
            keepAlive: deps.eventKeepAlive)
        return stream.response(first: first)
    }
}
