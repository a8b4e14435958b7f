import Campaigns
import Foundation
import Hummingbird

/// `GET /api/v1/audit` (DESIGN §13): who changed what in the caller's tenant, newest first.
extension APIRoutes {
    static func registerAudit(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        api.on(.get, "audit", .capability(.logs)) { request, context in
            // Entries of the channels whose logs the caller may read; those without a channel
            // (sessions) need any channel's logs permission, which `channels(with:)` requires.
            var query = AuditQuery(channels: try context.channels(with: .logs), includeWithoutChannel: true)
            if let channel = try request.queryChannel() {
                try context.require(.logs, on: channel)
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
            guard let audit = deps.audit else {
                throw APIError(.serviceUnavailable, code: .databaseUnavailable, message: "the audit trail is not available")
            }
            let page = try await audit.list(scope: try context.scope(), query: query, page: try request.pageRequest())
            return jsonResponse(PageBody(page, AuditEntryBody.init))
        }
    }

    /// An optional positive id query parameter, or a 400 naming it.
    private static func positiveID(_ request: Request, _ name: String) throws -> Int? {
        guard let raw = request.queryString(name) else { return nil }
        guard let id = Int(raw), id > 0 else { throw APIError.validation(name, "must be a positive whole number") }
        return id
    }
}

/// One audit entry as answered.
struct AuditEntryBody: Encodable {
    let id: Int
    let at: Date
    let userId: Nullable<Int>
    let userName: Nullable<String>
    let action: String
    let objectType: String
    let objectId: Nullable<Int>
    let channel: Nullable<String>
    let detail: JSONValue

    init(_ view: AuditEntryView) {
        let entry = view.entry
        id = entry.id
        at = entry.at
        userId = Nullable(entry.userID)
        userName = Nullable(view.userName)
        action = entry.action.rawValue
        objectType = entry.objectType.rawValue
        objectId = Nullable(entry.objectID)
        channel = Nullable(entry.channel?.rawValue)
        detail = .object(entry.detail)
    }
}
