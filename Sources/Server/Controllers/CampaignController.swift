import Campaigns
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/campaigns`: list, create, read, change, delete, send, run controls and duplicate;
/// the logs, progress and previews are in ``CampaignRunController``.
struct CampaignController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "campaigns", .capability(.read), use: list)
        api.on(.post, "campaigns", .capability(.create), idempotent: true, use: create)
        api.on(.get, "campaigns/:id", .capability(.read), use: show)
        api.on(.put, "campaigns/:id", .capability(.create), use: update)
        api.on(.delete, "campaigns/:id", .capability(.delete), use: delete)
        api.on(.post, "campaigns/:id/send", .capability(.send), idempotent: true, use: send)
        for control in RunControl.allCases {
            api.on(.post, "campaigns/:id/\(control.rawValue)", .capability(.send)) { request, context in
                try await self.control(control, request, context: context)
            }
        }
        api.on(.post, "campaigns/:id/duplicate", .capability(.create), idempotent: true, use: duplicate)
    }

    /// The campaigns of the channels the caller may read, filtered, with their results.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let channels = try context.allowedChannels()
        let channel = try request.queryChannel()
        if let channel { try context.requireCapability(on: channel) }
        let status = try CampaignListRequest.status(request)
        let kind = try CampaignListRequest.kind(request)
        let scope = try context.scope()
        let page = try await deps.campaigns.list(
            scope: scope,
            query: CampaignListQuery(
                channel: channel, status: status, search: request.queryString("q"), channels: channels, kind: kind,
                broadcastID: try CampaignListRequest.broadcastID(request)),
            page: try request.pageRequest())
        var withFigures = page
        withFigures.items = await CampaignResultsFiller(deps: deps).filling(page.items, context)
        return jsonResponse(PageBody(withFigures) { CampaignBody($0, scope: scope) })
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let draft = try await draft(request, context)
        try context.requireCapability(on: draft.channel)
        let view = try await deps.campaigns.create(scope: try context.scope(), draft: draft, createdBy: context.identity?.userID)
        return try answer(view, context, warnings: draft.warnings, status: .created)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try answer(try await deps.campaigns.view(scope: try context.scope(), id: try context.id(), access: try context.capabilityCheck()), context)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        let draft = try await draft(request, context)
        let view = try await deps.campaigns.update(
            scope: try context.scope(), id: id, draft: draft, access: try context.capabilityCheck(), by: context.identity?.userID)
        return try answer(view, context, warnings: draft.warnings)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await deps.campaigns.delete(
            scope: try context.scope(), id: try context.id(), access: try context.capabilityCheck(), by: context.identity?.userID)
        return Response(status: .noContent)
    }

    /// Starts (or schedules) the campaign; the worker looks at once.
    ///
    /// A channel's campaign of a broadcast is sent with the broadcast, every channel in one
    /// snapshot (DESIGN §14): sent alone, a `first` broadcast's later channel would message the
    /// customers an earlier one reaches. The caller then needs the capability on every channel.
    @Sendable func send(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try context.scope()
        let id = try context.id()
        let access = try context.capabilityCheck()
        let view: CampaignView
        if let broadcastID = try await deps.campaigns.view(scope: scope, id: id, access: access).campaign.broadcastID {
            _ = try await deps.broadcasts.send(scope: scope, id: broadcastID, access: access, by: context.identity?.userID)
            view = try await deps.campaigns.view(scope: scope, id: id, access: access)
        } else {
            view = try await deps.campaigns.send(scope: scope, id: id, access: access, by: context.identity?.userID)
        }
        deps.workNotifier.workArrived()
        return try answer(view, context)
    }

    /// Pause, resume or cancel the current run.
    @Sendable func control(_ control: RunControl, _ request: Request, context: AppRequestContext) async throws -> Response {
        let view = try await deps.campaigns.control(
            scope: try context.scope(), id: try context.id(), control, access: try context.capabilityCheck(), by: context.identity?.userID)
        if control == .resume { deps.workNotifier.workArrived() }
        return try answer(view, context)
    }

    @Sendable func duplicate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let copy = try await deps.campaigns.duplicate(
            scope: try context.scope(), id: try context.id(), createdBy: context.identity?.userID, access: try context.capabilityCheck())
        return try answer(copy, context, status: .created)
    }

    /// A campaign answer with its current run's counters.
    private func answer(
        _ view: CampaignView, _ context: AppRequestContext, warnings: [String]? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        jsonResponse(CampaignBody(view, scope: try context.scope(), warnings: warnings), status: status)
    }

    /// The validated body, a chosen template filling in a missing body (and subject for email).
    private func draft(_ request: Request, _ context: AppRequestContext) async throws -> CampaignDraft {
        var request = request
        let json = try await CampaignTemplateDefaults(templates: deps.templates).applied(to: try await request.jsonBody(), context)
        return try CampaignDraft.validated(from: json, now: deps.clock.now())
    }
}
