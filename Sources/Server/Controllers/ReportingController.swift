import Campaigns
import Foundation
import Hummingbird

/// `GET /api/v1/dashboard` and `GET /customers/{id}/messages` (a customer's history).
struct ReportingController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "dashboard", .capability(.read), use: dashboard)
        api.on(.get, "customers/:id/messages", .capability(.logs), use: customerMessages)
    }

    /// Counts by status, the last days' sends, the recent campaigns and, for callers who may
    /// read the logs, bookings per day.
    @Sendable func dashboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        var channels = try context.allowedChannels()
        if let channel = try request.queryChannel() {
            try context.requireCapability(on: channel)
            channels = [channel]
        }
        let scope = try context.scope()
        let dashboard = try await deps.reporting.dashboard(scope: scope, channels: channels)
        let recent = try await deps.campaigns.list(
            scope: scope, query: CampaignListQuery(channels: channels), page: PageRequest(page: 1, perPage: 5))
        let withResults = await CampaignResultsFiller(deps: deps).filling(recent.items, context)
        // Bookings per day for the channels whose logs the caller may read (an extra: the
        // dashboard answers without it when results cannot be read).
        let readable = channels.filter { (try? context.caps().allows(.logs, on: $0)) == true }
        var bookings: (days: [DailyBookings], currency: String?)?
        if !readable.isEmpty {
            bookings = try? await deps.results.dailyBookings(scope: scope, channels: readable, days: 30)
        }
        return jsonResponse(
            DashboardBody(dashboard, recent: withResults.map { CampaignBody($0, scope: scope) }, bookings: bookings))
    }

    /// The messages a customer was sent, newest first.
    @Sendable func customerMessages(_ request: Request, context: AppRequestContext) async throws -> Response {
        var channels = try context.allowedChannels()
        if let channel = try request.queryChannel() {
            try context.requireCapability(on: channel)
            channels = [channel]
        }
        let scope = try context.scope()
        let customerID = try context.id()
        let page = try await deps.reporting.customerMessages(
            scope: scope, customerID: customerID, channels: channels, page: try request.pageRequest())
        // No history and not a customer of this tenant (another tenant's, or none): 404, as for
        // every object of another tenant. A deleted customer's history still answers.
        if page.total == 0, try await deps.directory.customers(scope: scope, ids: [customerID]).isEmpty {
            throw APIError.notFound("customer")
        }
        return jsonResponse(PageBody(page, CustomerMessageBody.init))
    }
}
