import Campaigns
import Foundation
import Hummingbird

/// `GET /api/v1/segments` (the segment types) and `POST /segments/preview` (an audience's size,
/// sample and, with a message, its check and first messages, DESIGN §21).
struct SegmentController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "segments", .capability(.read), use: list)
        api.on(.post, "segments/preview", .capability(.read), use: preview)
    }

    /// The segment types with their default and suggested days.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.allowedChannels()
        return jsonResponse(SegmentTypesBody(items: SegmentType.allCases.map(SegmentTypesBody.Item.init)))
    }

    /// The audience of a segment and filters; with a message, the whole audience is checked and
    /// the first messages rendered.
    @Sendable func preview(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        return try await preview(try await request.jsonBody(), context: context)
    }

    /// The preview of a body of `POST /segments/preview` (also a saved audience's, DESIGN §16).
    func preview(_ json: JSONValue, context: AppRequestContext) async throws -> Response {
        let channel = try RequestFields.channel(json["channel"])
        try context.requireCapability(on: channel)
        let segment = try Segment.validated(from: json["segment"])
        let filters = try SegmentFilters.validated(from: json["filters"])
        let options = try SegmentPreviewOptions(json, maskByDefault: deps.maskAddresses)
        let masked = options.masked
        let scope = try context.scope()
        var audience = AudienceDefinition(channel: channel, segment: segment, filters: filters, scope: scope)
        audience.variants = try SegmentPreviewOptions.localized(json, channel: channel)
        let preview = try await deps.audience.preview(audience, sampleSize: options.sampleSize)
        let sample = preview.sample.map { RecipientBody($0, masked: masked) }
        let locales = preview.locales.map { $0.map(LocaleCountBody.init) }
        guard let content = try SegmentPreviewOptions.content(json, channel: channel) else {
            return jsonResponse(SegmentPreviewBody(count: preview.count, sample: sample, locales: locales))
        }
        // A saved campaign's id makes the messages' unsubscribe links the ones it will send.
        var campaignID: Int?
        if let raw = json["campaign_id"], raw != .null {
            guard let id = raw.integerValue, id > 0 else { throw APIError.validation("campaign_id", "must be a campaign's id") }
            let campaign = try await deps.campaigns.view(scope: scope, id: id, access: try context.capabilityCheck())
            guard campaign.campaign.channel == channel else { throw APIError.validation("campaign_id", "must be a campaign of this channel") }
            campaignID = id
        }
        let previewer = MessagePreviewer(deps: deps)
        let window = try await previewer.quietHours(scope: scope, channel: channel)
        let members = try await deps.audience.members(audience, zones: window != nil)
        let check = try await previewer.check(content, members: members, window: window, scope: scope)
        let base = content.contentVariables == nil ? try await previewer.shortLinkBase(scope: scope, channel: channel) : nil
        let messages = preview.sample.prefix(10).map {
            previewer.message(content, for: $0, scope: scope, campaignID: campaignID, masked: masked, shortLinkBase: base)
        }
        return jsonResponse(
            SegmentPreviewBody(
                count: preview.count, sample: sample, sms: channel == .sms ? SMSEncoding.analyze(content.body) : nil, missing: check.missing,
                segments: check.segments, quietHours: check.quietHours, quota: check.quota, messages: masked ? nil : Array(messages),
                locales: locales))
    }
}
