import Campaigns
import Foundation
import Hummingbird

/// The Booknetic pickers: `GET /api/v1/services`, `/locations` and `/customers?q=`.
struct DirectoryController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "services", .capability(.read), use: services)
        api.on(.get, "locations", .capability(.read), use: locations)
        api.on(.get, "customers", .capability(.read), use: customers)
    }

    @Sendable func services(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.allowedChannels()
        let entries = try await deps.directory.services(scope: try context.scope())
        return jsonResponse(DirectoryBody(items: entries.map(DirectoryEntryBody.init)))
    }

    @Sendable func locations(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.allowedChannels()
        let entries = try await deps.directory.locations(scope: try context.scope())
        return jsonResponse(DirectoryBody(items: entries.map(DirectoryEntryBody.init)))
    }

    /// Customers whose name, phone or email contains `?q=`.
    @Sendable func customers(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.allowedChannels()
        let query = request.queryString("q") ?? ""
        guard query.count <= 100 else { throw APIError.validation("q", "must be at most 100 characters") }
        let limit = try request.queryInt("limit", default: 20)
        guard (1...100).contains(limit) else { throw APIError.validation("limit", "must be between 1 and 100") }
        let found = try await deps.directory.searchCustomers(scope: try context.scope(), query: query, limit: limit)
        return jsonResponse(DirectoryBody(items: found.map(CustomerContactBody.init)))
    }
}
