import Campaigns
import Foundation
import Hummingbird

/// `/api/v1/audiences`: saved audiences (DESIGN §16), tenant-scoped; `ch_campaigns` to read and
/// preview, `ch_campaigns_create` to write, each checked on the audience's channel.
struct AudienceController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "audiences", .capability(.read), use: list)
        api.on(.post, "audiences", .capability(.create), idempotent: true, use: create)
        api.on(.get, "audiences/:id", .capability(.read), use: show)
        api.on(.put, "audiences/:id", .capability(.create), use: update)
        api.on(.delete, "audiences/:id", .capability(.create), use: delete)
        api.on(.post, "audiences/:id/preview", .capability(.read), use: preview)
    }

    /// The audiences of the channels the caller may read (or of `?channel=`), newest first,
    /// their names searched by `?q=`.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let allowed = try context.allowedChannels()
        let channel = try request.queryChannel()
        if let channel { try context.requireCapability(on: channel) }
        let page = try await deps.audiences.list(
            scope: try context.scope(), channels: channel.map { [$0] } ?? allowed, search: request.queryString("q"),
            page: try request.pageRequest())
        return jsonResponse(PageBody(page) { AudienceBody($0) })
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let audience = try await deps.audiences.get(scope: try context.scope(), id: try context.id(), access: try context.capabilityCheck())
        return jsonResponse(AudienceBody(audience))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let draft = try AudienceRequest.draft(try await request.jsonBody())
        try context.requireCapability(on: draft.channel)
        let audience = try await deps.audiences.create(scope: try context.scope(), draft: draft, by: context.identity?.userID)
        return jsonResponse(AudienceBody(audience), status: .created)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let id = try context.id()
        let draft = try AudienceRequest.draft(try await request.jsonBody())
        let audience = try await deps.audiences.update(
            scope: try context.scope(), id: id, draft: draft, access: try context.capabilityCheck(), by: context.identity?.userID)
        return jsonResponse(AudienceBody(audience))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await deps.audiences.delete(
            scope: try context.scope(), id: try context.id(), access: try context.capabilityCheck(), by: context.identity?.userID)
        return Response(status: .noContent)
    }

    /// `POST /segments/preview` for the audience's segment and filters: on its own channel, or on
    /// the body's `channel` (a campaign of another channel may use it); the body may also carry
    /// that route's `body`, `subject`, `sample_size` and `campaign_id`.
    @Sendable func preview(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let id = try context.id()
        guard case .object(var object) = try await request.optionalJSONBody() else {
            throw APIError.validation("body", "The request must be a JSON object.")
        }
        let audience = try await deps.audiences.get(scope: try context.scope(), id: id, access: try context.capabilityCheck())
        if object["channel"] == nil || object["channel"] == .null { object["channel"] = .string(audience.channel.rawValue) }
        object["segment"] = try Self.json(audience.segment)
        object["filters"] = try Self.json(audience.filters)
        return try await SegmentController(deps: deps).preview(.object(object), context: context)
    }

    /// A stored value as the JSON a request would carry.
    private static func json(_ value: some Encodable) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }
}
