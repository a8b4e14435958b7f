import Campaigns
import Foundation
import Hummingbird

/// `GET /api/v1/campaigns/{id}/results` (DESIGN §12), capability `ch_campaign_logs`.
struct ResultsController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "campaigns/:id/results", .capability(.logs), use: show)
    }

    /// A run's attributed bookings and revenue.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let answer = try await deps.results.results(
            scope: try context.scope(), id: try context.id(), run: try request.runNumber(), access: try context.capabilityCheck())
        return jsonResponse(ResultsBody(answer))
    }
}

/// Fills in each campaign's results where the caller may read them (`ch_campaign_logs`), in one
/// pass for the whole page. Results are an extra: when they cannot be read the campaigns are
/// answered without them.
struct CampaignResultsFiller {
    let deps: AppDependencies

    func filling(_ views: [CampaignView], _ context: AppRequestContext) async -> [CampaignView] {
        guard let caps = try? context.caps(), let scope = try? context.scope() else { return views }
        let readable = views.map(\.campaign).filter { caps.allows(.logs, on: $0.channel) }
        if readable.isEmpty { return views }
        guard let figures = try? await deps.results.summaries(scope: scope, campaigns: readable) else { return views }
        return views.map { view in
            var view = view
            // A campaign that never ran has no results yet (shown as such, not as zeros).
            if caps.allows(.logs, on: view.campaign.channel), view.campaign.currentRun > 0 {
                view.results = figures[view.campaign.id] ?? AttributionFigures()
            }
            return view
        }
    }
}
