import Campaigns
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/broadcasts` (DESIGN §14): one message over several channels, each channel an
/// ordinary campaign. Every route needs its capability on every channel of the broadcast: the
/// repository checks it on each campaign it locks.
struct BroadcastController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "broadcasts", .capability(.read), use: list)
        api.on(.post, "broadcasts", .capability(.create), idempotent: true, use: create)
        api.on(.get, "broadcasts/:id", .capability(.read), use: show)
        api.on(.put, "broadcasts/:id", .capability(.create), use: update)
        api.on(.delete, "broadcasts/:id", .capability(.delete), use: delete)
        api.on(.post, "broadcasts/:id/send", .capability(.send), idempotent: true, use: send)
        for control in RunControl.allCases {
            api.on(.post, "broadcasts/:id/\(control.rawValue)", .capability(.send)) { request, context in
                try await self.control(control, request, context: context)
            }
        }
        api.on(.post, "broadcasts/:id/duplicate", .capability(.create), idempotent: true, use: duplicate)
        api.on(.get, "broadcasts/:id/progress", .capability(.read), use: progress)
        api.on(.get, "broadcasts/:id/results", .capability(.logs), use: results)
    }

    /// The broadcasts all of whose channels the caller may read, newest first, `?q=` by name.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let channels = try context.allowedChannels()
        let scope = try context.scope()
        let page = try await deps.broadcasts.list(
            scope: scope, search: request.queryString("q"), channels: channels, page: try request.pageRequest())
        return jsonResponse(PageBody(page) { BroadcastBody($0, scope: scope) })
    }

    /// One campaign per channel in one transaction; 403 (nothing created) unless the caller may
    /// create campaigns on every listed channel.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let draft = try await draft(request)
        for channel in draft.channels { try context.requireCapability(on: channel) }
        let scope = try context.scope()
        let view = try await deps.broadcasts.create(scope: scope, draft: draft, createdBy: context.identity?.userID)
        return jsonResponse(BroadcastBody(view, scope: scope, warnings: draft.warnings), status: .created)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try context.scope()
        return jsonResponse(
            BroadcastBody(try await deps.broadcasts.view(scope: scope, id: try context.id(), access: try context.capabilityCheck()), scope: scope))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        let draft = try await draft(request)
        let scope = try context.scope()
        let view = try await deps.broadcasts.update(
            scope: scope, id: id, draft: draft, access: try context.capabilityCheck(), by: context.identity?.userID)
        return jsonResponse(BroadcastBody(view, scope: scope, warnings: draft.warnings))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await deps.broadcasts.delete(
            scope: try context.scope(), id: try context.id(), access: try context.capabilityCheck(), by: context.identity?.userID)
        return Response(status: .noContent)
    }

    /// Snapshots (or schedules) every channel at once; the worker looks at once.
    @Sendable func send(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try context.scope()
        let view = try await deps.broadcasts.send(
            scope: scope, id: try context.id(), access: try context.capabilityCheck(), by: context.identity?.userID)
        deps.workNotifier.workArrived()
        return jsonResponse(BroadcastBody(view, scope: scope))
    }

    /// Pause, resume or cancel every campaign of the broadcast that has not ended.
    @Sendable func control(_ control: RunControl, _ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try context.scope()
        let view = try await deps.broadcasts.control(
            scope: scope, id: try context.id(), control, access: try context.capabilityCheck(), by: context.identity?.userID)
        if control == .resume { deps.workNotifier.workArrived() }
        return jsonResponse(BroadcastBody(view, scope: scope))
    }

    @Sendable func duplicate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try context.scope()
        let copy = try await deps.broadcasts.duplicate(
            scope: scope, id: try context.id(), createdBy: context.identity?.userID, access: try context.capabilityCheck())
        return jsonResponse(BroadcastBody(copy, scope: scope), status: .created)
    }

    @Sendable func progress(_ request: Request, context: AppRequestContext) async throws -> Response {
        let view = try await deps.broadcasts.view(scope: try context.scope(), id: try context.id(), access: try context.capabilityCheck())
        return jsonResponse(BroadcastProgressBody(view))
    }

    /// §12 over the broadcast (`<channel>_campaign_logs` on every channel): a customer messaged
    /// on two channels counts once, and a booking once.
    @Sendable func results(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try context.scope()
        let id = try context.id()
        let view = try await deps.broadcasts.view(scope: scope, id: id, access: try context.capabilityCheck())
        let answer = try await deps.results.results(scope: scope, combining: view.campaigns.map(\.campaign), id: id)
        return jsonResponse(BroadcastResultsBody(ResultsBody(answer)))
    }

    private func draft(_ request: Request) async throws -> BroadcastDraft {
        var request = request
        return try BroadcastDraft.validated(from: try await request.jsonBody(), now: deps.clock.now())
    }
}
