import Campaigns
import Foundation
import Hummingbird

/// `/api/v1/templates`: saved messages per channel (capability `templates`).
struct TemplateController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "templates", .capability(.templates), use: list)
        api.on(.post, "templates", .capability(.templates), idempotent: true, use: create)
        api.on(.put, "templates/:id", .capability(.templates), use: update)
        api.on(.delete, "templates/:id", .capability(.templates), use: delete)
    }

    /// The templates of the channels the caller may manage (or of `?channel=`), searched by `?q=`.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let allowed = try context.allowedChannels()
        let channel = try request.queryChannel()
        if let channel { try context.requireCapability(on: channel) }
        let page = try await deps.templates.list(
            scope: try context.scope(), channels: channel.map { [$0] } ?? allowed, search: request.queryString("q"),
            page: try request.pageRequest())
        return jsonResponse(PageBody(page) { TemplateBody($0) })
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let draft = try TemplateRequest.draft(try await request.jsonBody())
        try context.requireCapability(on: draft.channel)
        let template = try await deps.templates.create(scope: try context.scope(), draft: draft, by: context.identity?.userID)
        return jsonResponse(TemplateBody(template, warnings: TemplateRequest.warnings(draft)), status: .created)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let id = try context.id()
        let draft = try TemplateRequest.draft(try await request.jsonBody())
        let template = try await deps.templates.update(
            scope: try context.scope(), id: id, draft: draft, access: try context.capabilityCheck(), by: context.identity?.userID)
        return jsonResponse(TemplateBody(template, warnings: TemplateRequest.warnings(draft)))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await deps.templates.delete(
            scope: try context.scope(), id: try context.id(), access: try context.capabilityCheck(), by: context.identity?.userID)
        return Response(status: .noContent)
    }
}
