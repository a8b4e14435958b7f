import Campaigns
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// What a route requires; every API route declares one (tests check the list is complete).
public enum RouteAccess: Sendable, Hashable {
    /// Anyone (health, readiness, metrics, the session exchange).
    case open
    /// Signed by the bridge without a user (cron).
    case system
    /// Any authenticated identity (e.g. revoking one's own session).
    case authenticated
    /// A per-channel capability, for the channel of the body or the object.
    case capability(Capability)
}

/// The declared routes, in registration order.
public struct RouteDeclaration: Sendable, Hashable {
    public let method: String
    public let path: String
    public let access: RouteAccess
    /// Whether the route honours `Idempotency-Key` (every POST that creates or sends, DESIGN §21).
    public var idempotent = false
}

/// Registers handlers together with their declared access.
struct DeclaringRouter {
    let group: RouterGroup<AppRequestContext>
    let prefix: String
    /// Wraps the handlers of routes declared `idempotent`.
    let idempotency: IdempotencyGuard
    var declarations: [RouteDeclaration] = []

    /// Registers `handler`; an `idempotent` route (one that creates or sends) honours
    /// `Idempotency-Key` through ``IdempotencyGuard``.
    mutating func on(
        _ method: HTTPRequest.Method, _ path: String, _ access: RouteAccess, idempotent: Bool = false,
        _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) {
        group.on(RouterPath(path), method: method, use: idempotent ? idempotency.wrap(handler) : handler)
        declarations.append(
            RouteDeclaration(method: method.rawValue, path: prefix + "/" + path, access: access, idempotent: idempotent))
    }
}

/// The `/api/v1` routes of DESIGN §7 that exist so far.
enum APIRoutes {
    static func register(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        registerSessions(&api, deps)
        registerSegments(&api, deps)
        registerTemplates(&api, deps)
        registerSuppressions(&api, deps)
        registerCampaigns(&api, deps)
        registerCron(&api, deps)
        registerSettings(&api, deps)
        registerReporting(&api, deps)
        registerResults(&api, deps)
        registerProviders(&api, deps)
        registerWhatsAppTemplates(&api, deps)
        registerErasure(&api, deps)
        registerAudit(&api, deps)
    }

    // MARK: Dashboard and customer history

    static func registerReporting(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        @Sendable func reporting() throws -> any ReportingRepository {
            guard let reporting = deps.reporting else {
                throw APIError(.serviceUnavailable, code: .databaseUnavailable, message: "reporting is not available")
            }
            return reporting
        }
        api.on(.get, "dashboard", .capability(.read)) { request, context in
            var channels = try context.channels(with: .read)
            if let channel = try request.queryChannel() {
                try context.require(.read, on: channel)
                channels = [channel]
            }
            let scope = try context.scope()
            let dashboard = try await reporting().dashboard(scope: scope, channels: channels)
            let recent = try await deps.campaigns.list(
                scope: scope, query: CampaignListQuery(channels: channels), page: PageRequest(page: 1, perPage: 5))
            let withResults = await withResults(recent.items, context, deps)
            // Bookings per day for the channels whose logs the caller may read (an extra: the
            // dashboard answers without it when results cannot be read).
            let readable = channels.filter { (try? context.caps().allows(.logs, on: $0)) == true }
            var bookings: (days: [DailyBookings], currency: String?)?
            if !readable.isEmpty, let results = deps.results {
                bookings = try? await results.dailyBookings(scope: scope, channels: readable, days: 30)
            }
            return jsonResponse(
                DashboardBody(dashboard, recent: withResults.map { CampaignBody($0, scope: scope) }, bookings: bookings))
        }
        api.on(.get, "customers/:id/messages", .capability(.logs)) { request, context in
            var channels = try context.channels(with: .logs)
            if let channel = try request.queryChannel() {
                try context.require(.logs, on: channel)
                channels = [channel]
            }
            let scope = try context.scope()
            let customerID = try context.id()
            let page = try await reporting().customerMessages(
                scope: scope, customerID: customerID, channels: channels, page: try request.pageRequest())
            // No history and not a customer of this tenant (another tenant's, or none): 404, as for
            // every object of another tenant. A deleted customer's history still answers.
            if page.total == 0, let directory = deps.directory, try await directory.customers(scope: scope, ids: [customerID]).isEmpty {
                throw APIError.notFound("customer")
            }
            return jsonResponse(PageBody(page, CustomerMessageBody.init))
        }
    }

    // MARK: Settings

    static func registerSettings(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        @Sendable func effective(_ stored: StoredSettings) -> ChannelSettings {
            ChannelSettings(stored: stored, environmentQuietHours: deps.environmentQuietHours, environmentRate: deps.environmentRateLimit)
        }
        @Sendable func store() throws -> any SettingsRepository {
            guard let store = deps.channelSettings else {
                throw APIError(.serviceUnavailable, code: .databaseUnavailable, message: "settings are not available")
            }
            return store
        }
        api.on(.get, "settings", .capability(.read)) { request, context in
            guard let channel = try request.queryChannel() else { throw APIError.validation("channel", "Choose a channel: SMS, WhatsApp or email.") }
            try context.require(.read, on: channel)
            let stored = try await store().stored(scope: try context.scope(), channel: channel)
            return jsonResponse(SettingsBody(channel: channel, effective(stored)))
        }
        api.on(.put, "settings", .capability(.send)) { request, context in
            var request = request
            let (channel, update) = try SettingsRequest.update(from: try await request.jsonBody())
            try context.require(.send, on: channel)
            if case .set(let rate) = update.rateLimit {
                // A tenant's rate paces only its own messages and may not exceed its sender's (DESIGN §13).
                var senderRate = deps.environmentRateLimit
                if senderRate == nil { senderRate = await deps.sender?.profile(scope: try context.scope(), channel: channel).defaultRate }
                if let senderRate, rate > senderRate {
                    throw APIError.validation(
                        "rate_limit", "may be at most \(senderRate.formatted()) messages per second, the rate of the sender you share")
                }
            }
            let stored = try await store().apply(update, scope: try context.scope(), channel: channel, by: context.identity?.userID)
            deps.engine?.worker?.wake.signal()
            return jsonResponse(SettingsBody(channel: channel, effective(stored)))
        }
    }

    // MARK: Cron

    static func registerCron(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        api.on(.post, "cron/tick", .system) { _, context in
            guard let identity = context.identity, identity.kind == .system else {
                throw APIError(
                    .forbidden, code: .forbidden(.capability),
                    message: "the tick is for the WordPress cron: sign it without X-Bkntc-User")
            }
            guard let engine = deps.engine else {
                throw APIError(.serviceUnavailable, code: .databaseUnavailable, message: "the sending engine is not running")
            }
            return jsonResponse(try await engine.tick.run(mode: engine.mode))
        }
    }

    // MARK: Sessions

    static func registerSessions(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        api.on(.post, "sessions", .open) { request, _ in
            var request = request
            let json = try await request.jsonBody()
            guard let token = json["launch_token"]?.stringValue, !token.isEmpty else {
                throw APIError.validation("launch_token", "is required")
            }
            let session = try await deps.authenticator.createSession(launchToken: token)
            struct Body: Encodable { let sessionToken: String; let expiresAt: Date; let tenantId: Int?; let userId: Int }
            return jsonResponse(
                Body(sessionToken: session.token, expiresAt: session.expiresAt, tenantId: session.tenant, userId: session.user),
                status: .created)
        }
        api.on(.delete, "sessions/current", .authenticated) { _, context in
            guard let id = context.identity?.sessionID else {
                throw APIError(.badRequest, code: .noSession, message: "this request was not made with a session token")
            }
            try await deps.authenticator.revokeSession(id)
            return Response(status: .noContent)
        }
    }

    // MARK: Segments

    static func registerSegments(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        api.on(.get, "segments", .capability(.read)) { _, context in
            _ = try context.channels(with: .read)
            struct Item: Encodable { let type: String; let label: String; let defaultDays: Int?; let suggestedDays: [Int] }
            struct Body: Encodable { let items: [Item] }
            return jsonResponse(Body(items: SegmentType.allCases.map {
                Item(type: $0.rawValue, label: $0.label, defaultDays: $0.defaultDays, suggestedDays: $0.suggestedDays)
            }))
        }
        api.on(.post, "segments/preview", .capability(.read)) { request, context in
            var request = request
            let json = try await request.jsonBody()
            let channel = try RequestFields.channel(json["channel"])
            try context.require(.read, on: channel)
            let segment = try Segment.validated(from: json["segment"])
            let filters = try SegmentFilters.validated(from: json["filters"])
            var masked = deps.maskAddresses
            if let raw = json["mask_addresses"], raw != .null {
                guard case .bool(let flag) = raw else { throw APIError.validation("mask_addresses", "must be true or false") }
                masked = flag
            }
            var sampleSize = 20
            if let raw = json["sample_size"], raw != .null {
                guard let size = raw.integerValue, (1...100).contains(size) else {
                    throw APIError.validation("sample_size", "must be between 1 and 100")
                }
                sampleSize = size
            }
            let scope = try context.scope()
            let audience = AudienceDefinition(channel: channel, segment: segment, filters: filters, scope: scope)
            let preview = try await deps.audience.preview(audience, sampleSize: sampleSize)
            struct Body: Encodable {
                let count: Int
                let sample: [RecipientBody]
                let sms: SMSInfo?
                let missing: [String: Int]?
                let segments: SegmentTotals?
                let quietHours: MessageCheckBody.HeldBody?
                let quota: MessageCheckBody.QuotaBody?
                let messages: [PreviewMessageBody]?
            }
            // With the message, the whole audience is checked and the first messages rendered (§21).
            guard let content = try Self.previewContent(json, channel: channel) else {
                return jsonResponse(
                    Body(
                        count: preview.count, sample: preview.sample.map { RecipientBody($0, masked: masked) }, sms: nil, missing: nil,
                        segments: nil, quietHours: nil, quota: nil, messages: nil))
            }
            // A saved campaign's id makes the messages' unsubscribe links the ones it will send.
            var campaignID: Int?
            if let raw = json["campaign_id"], raw != .null {
                guard let id = raw.integerValue, id > 0 else { throw APIError.validation("campaign_id", "must be a campaign's id") }
                let campaign = try await deps.campaigns.view(scope: scope, id: id, access: try context.access(.read))
                guard campaign.campaign.channel == channel else { throw APIError.validation("campaign_id", "must be a campaign of this channel") }
                campaignID = id
            }
            let previewer = MessagePreviewer(deps: deps)
            let window = try await previewer.quietHours(scope: scope, channel: channel)
            let members = try await deps.audience.members(audience, zones: window != nil)
            let check = try await previewer.check(content, members: members, window: window, scope: scope)
            let messages = preview.sample.prefix(10).map {
                previewer.message(content, for: $0, scope: scope, campaignID: campaignID, masked: masked)
            }
            return jsonResponse(
                Body(
                    count: preview.count, sample: preview.sample.map { RecipientBody($0, masked: masked) },
                    sms: channel == .sms ? SMSEncoding.analyze(content.body) : nil, missing: check.missing, segments: check.segments,
                    quietHours: check.quietHours, quota: check.quota, messages: masked ? nil : Array(messages)))
        }
    }

    /// The message a preview request carries (`body`, `subject`, `content_variables`), if any.
    static func previewContent(_ json: JSONValue, channel: Channel) throws -> MessageContent? {
        guard let raw = json["body"], raw != .null else { return nil }
        guard let body = raw.stringValue else { throw APIError.validation("body", "Write the message as text.") }
        var subject: String?
        if let raw = json["subject"], raw != .null {
            guard let text = raw.stringValue else { throw APIError.validation("subject", "Write the subject as text.") }
            subject = text
        }
        var variables: [String: String]?
        if case .object(let object)? = json["content_variables"] {
            variables = object.compactMapValues(\.stringValue)
        }
        return MessageContent(channel: channel, body: body, subject: channel == .email ? subject : nil, contentVariables: variables)
    }

    // MARK: Templates

    static func registerTemplates(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        api.on(.get, "templates", .capability(.templates)) { request, context in
            let allowed = try context.channels(with: .templates)
            let channel = try request.queryChannel()
            if let channel { try context.require(.templates, on: channel) }
            let page = try await deps.templates.list(
                scope: try context.scope(), channels: channel.map { [$0] } ?? allowed, search: request.queryString("q"),
                page: try request.pageRequest())
            return jsonResponse(PageBody(page) { TemplateBody($0) })
        }
        api.on(.post, "templates", .capability(.templates), idempotent: true) { request, context in
            var request = request
            let draft = try templateDraft(try await request.jsonBody())
            try context.require(.templates, on: draft.channel)
            let template = try await deps.templates.create(scope: try context.scope(), draft: draft, by: context.identity?.userID)
            return jsonResponse(TemplateBody(template, warnings: templateWarnings(draft)), status: .created)
        }
        api.on(.put, "templates/:id", .capability(.templates)) { request, context in
            var request = request
            let id = try context.id()
            let draft = try templateDraft(try await request.jsonBody())
            let template = try await deps.templates.update(
                scope: try context.scope(), id: id, draft: draft, access: try context.access(.templates), by: context.identity?.userID)
            return jsonResponse(TemplateBody(template, warnings: templateWarnings(draft)))
        }
        api.on(.delete, "templates/:id", .capability(.templates)) { _, context in
            try await deps.templates.delete(
                scope: try context.scope(), id: try context.id(), access: try context.access(.templates), by: context.identity?.userID)
            return Response(status: .noContent)
        }
    }

    static func templateWarnings(_ draft: TemplateDraft) -> [String] {
        MessageRenderer.shortcodeWarnings(body: draft.body, subject: draft.subject)
    }

    static func templateDraft(_ json: JSONValue) throws -> TemplateDraft {
        guard case .object = json else { throw APIError.validation("body", "The request must be a JSON object.") }
        let channel = try RequestFields.channel(json["channel"])
        let name = try RequestFields.text(json["name"], field: "name", maxLength: 190, required: true) ?? ""
        let body = try RequestFields.text(json["body"], field: "body", maxLength: 65_535, required: true, trim: false) ?? ""
        let subject = try RequestFields.text(json["subject"], field: "subject", maxLength: 998, required: channel == .email)
        return TemplateDraft(channel: channel, name: name, subject: channel == .email ? subject : nil, body: body)
    }

    // MARK: Suppressions

    static func registerSuppressions(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        api.on(.get, "suppressions", .capability(.suppressions)) { request, context in
            let allowed = try context.channels(with: .suppressions)
            let channel = try request.queryChannel()
            if let channel { try context.require(.suppressions, on: channel) }
            if channel == nil, allowed.count < Channel.allCases.count {
                throw APIError(.forbidden, code: .forbidden(.capability), message: "choose a channel you may manage (?channel=)")
            }
            let page = try await deps.suppressions.list(
                scope: try context.scope(), channel: channel, search: request.queryString("q"), page: try request.pageRequest())
            return jsonResponse(PageBody(page, SuppressionBody.init))
        }
        api.on(.post, "suppressions", .capability(.suppressions), idempotent: true) { request, context in
            var request = request
            let json = try await request.jsonBody()
            let channel = try RequestFields.channel(json["channel"])
            try context.require(.suppressions, on: channel)
            let reason = try RequestFields.text(json["reason"], field: "reason", maxLength: 255, required: false)
            let scope = try context.scope()
            let normalizer = try await deps.normalizer(for: scope)
            if let csv = json["csv"] {
                guard case .string(let text) = csv else { throw APIError.validation("csv", "must be text") }
                let parsed = try SuppressionImport.parse(text, channel: channel, normalizer: normalizer)
                let stored = try await deps.suppressions.importAddresses(
                    scope: scope, channel: channel, addresses: parsed.addresses, reason: reason, source: .import,
                    invalid: parsed.invalid.count, by: context.identity?.userID)
                struct Body: Encodable { let accepted: Int; let duplicates: Int; let invalid: [String] }
                return jsonResponse(Body(accepted: stored.accepted, duplicates: stored.duplicates, invalid: parsed.invalid))
            }
            let raw = try RequestFields.text(json["address"], field: "address", maxLength: 254, required: true) ?? ""
            guard let address = normalizer.normalize(raw, for: channel) else {
                throw APIError.validation("address", FieldWords.addressHint(channel))
            }
            let result = try await deps.suppressions.add(
                scope: scope, channel: channel, address: address, reason: reason, source: .manual, by: context.identity?.userID)
            return jsonResponse(SuppressionBody(result.suppression), status: result.created ? .created : .ok)
        }
        api.on(.delete, "suppressions/:id", .capability(.suppressions)) { _, context in
            guard
                try await deps.suppressions.remove(
                    scope: try context.scope(), id: try context.id(), access: try context.access(.suppressions), by: context.identity?.userID)
            else { throw APIError.notFound("suppression") }
            return Response(status: .noContent)
        }
    }
}
