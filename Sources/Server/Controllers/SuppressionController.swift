import Campaigns
import Foundation
import Hummingbird

/// `/api/v1/suppressions`: addresses that are never messaged (capability `suppressions`).
struct SuppressionController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "suppressions", .capability(.suppressions), use: list)
        api.on(.post, "suppressions", .capability(.suppressions), idempotent: true, use: add)
        api.on(.delete, "suppressions/:id", .capability(.suppressions), use: remove)
    }

    /// One channel's suppressions, or every channel's for a caller who may manage them all.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let allowed = try context.allowedChannels()
        let channel = try request.queryChannel()
        if let channel { try context.requireCapability(on: channel) }
        if channel == nil, allowed.count < Channel.allCases.count {
            throw APIError(.forbidden, code: .forbidden(.capability), message: "choose a channel you may manage (?channel=)")
        }
        let page = try await deps.suppressions.list(
            scope: try context.scope(), channel: channel, search: request.queryString("q"), page: try request.pageRequest())
        return jsonResponse(PageBody(page, SuppressionBody.init))
    }

    /// One address (201, or 200 when it was already there), or a CSV import.
    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let json = try await request.jsonBody()
        let channel = try RequestFields.channel(json["channel"])
        try context.requireCapability(on: channel)
        let reason = try RequestFields.text(json["reason"], field: "reason", maxLength: 255, required: false)
        let scope = try context.scope()
        let normalizer = try await deps.normalizer(for: scope)
        if let csv = json["csv"] {
            guard case .string(let text) = csv else { throw APIError.validation("csv", "must be text") }
            let parsed = try SuppressionImport.parse(text, channel: channel, normalizer: normalizer)
            let stored = try await deps.suppressions.importAddresses(
                scope: scope, channel: channel, addresses: parsed.addresses, reason: reason, source: .import,
                invalid: parsed.invalid.count, by: context.identity?.userID)
            return jsonResponse(SuppressionImportBody(accepted: stored.accepted, duplicates: stored.duplicates, invalid: parsed.invalid))
        }
        let raw = try RequestFields.text(json["address"], field: "address", maxLength: 254, required: true) ?? ""
        guard let address = normalizer.normalize(raw, for: channel) else {
            throw APIError.validation("address", FieldWords.addressHint(channel))
        }
        let result = try await deps.suppressions.add(
            scope: scope, channel: channel, address: address, reason: reason, source: .manual, by: context.identity?.userID)
        return jsonResponse(SuppressionBody(result.suppression), status: result.created ? .created : .ok)
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard
            try await deps.suppressions.remove(
                scope: try context.scope(), id: try context.id(), access: try context.capabilityCheck(), by: context.identity?.userID)
        else { throw APIError.notFound("suppression") }
        return Response(status: .noContent)
    }
}
