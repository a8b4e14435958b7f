import Campaigns
import Foundation
import Hummingbird

/// `GET /api/v1/audit` (DESIGN §13): who changed what in the caller's tenant, newest first.
struct AuditController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "audit", .capability(.logs), use: list)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        // Entries of the channels whose logs the caller may read; those without a channel
        // (sessions) need any channel's logs permission, which `channels(with:)` requires.
        var query = AuditQuery(channels: try context.allowedChannels(), includeWithoutChannel: true)
        if let channel = try request.queryChannel() {
            try context.requireCapability(on: channel)
            query.channels = [channel]
            query.includeWithoutChannel = false
        }
        if let raw = request.queryString("object_type") {
            guard let type = AuditObjectType(rawValue: raw) else {
                throw APIError.validation(
                    "object_type", "must be one of \(AuditObjectType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.objectType = type
        }
        query.objectID = try positiveID(request, "object_id")
        query.userID = try positiveID(request, "user_id")
        let page = try await deps.audit.list(scope: try context.scope(), query: query, page: try request.pageRequest())
        return jsonResponse(PageBody(page, AuditEntryBody.init))
    }

    /// An optional positive id query parameter, or a 400 naming it.
    private func positiveID(_ request: Request, _ name: String) throws -> Int? {
        guard let raw = request.queryString(name) else { return nil }
        guard let id = Int(raw), id > 0 else { throw APIError.validation(name, "must be a positive whole number") }
        return id
    }
}
