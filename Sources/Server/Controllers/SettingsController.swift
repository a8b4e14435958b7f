import Campaigns
import Foundation
import Hummingbird

/// `GET` and `PUT /api/v1/settings?channel=`: a tenant's quiet hours, rate and caps (DESIGN §10).
struct SettingsController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "settings", .capability(.read), use: show)
        api.on(.put, "settings", .capability(.send), use: update)
    }

    /// The channel's stored and effective settings.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let channel = try request.queryChannel() else { throw APIError.validation("channel", "Choose a channel: SMS, WhatsApp or email.") }
        try context.requireCapability(on: channel)
        let stored = try await deps.channelSettings.stored(scope: try context.scope(), channel: channel)
        return jsonResponse(SettingsBody(channel: channel, effective(stored)))
    }

    /// Applies a partial update; the worker looks again at once.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let (channel, update) = try SettingsRequest.update(from: try await request.jsonBody())
        try context.requireCapability(on: channel)
        if case .set(let rate) = update.rateLimit {
            // A tenant's rate paces only its own messages and may not exceed its sender's (DESIGN §13).
            var senderRate = deps.environmentRateLimit
            if senderRate == nil { senderRate = await deps.sender.profile(scope: try context.scope(), channel: channel).defaultRate }
            if let senderRate, rate > senderRate {
                throw APIError.validation(
                    "rate_limit", "may be at most \(senderRate.formatted()) messages per second, the rate of the sender you share")
            }
        }
        let stored = try await deps.channelSettings.apply(update, scope: try context.scope(), channel: channel, by: context.identity?.userID)
        deps.workNotifier.workArrived()
        return jsonResponse(SettingsBody(channel: channel, effective(stored)))
    }

    private func effective(_ stored: StoredSettings) -> ChannelSettings {
        ChannelSettings(stored: stored, environmentQuietHours: deps.environmentQuietHours, environmentRate: deps.environmentRateLimit)
    }
}
