import Campaigns
import Foundation
import Logging

/// Lists the WhatsApp templates of a tenant's Twilio account through Twilio's Content API
/// (`GET /v1/ContentAndApprovals`), so the editor can offer them by name.
public struct TwilioContentTemplates: WhatsAppTemplateSource {
    let transport: CurlTransport
    let contentBase: String
    let providers: any ProviderConfigurationSource
    let logger: Logger

    /// At most this many templates are listed (one page of Twilio's).
    static let pageSize = 200

    /// `contentBase` is `https://content.twilio.com`, or a local fake's base URL.
    public init(transport: CurlTransport, contentBase: String, providers: any ProviderConfigurationSource, logger: Logger) {
        self.transport = transport
        self.contentBase = contentBase.hasSuffix("/") ? String(contentBase.dropLast()) : contentBase
        self.providers = providers
        self.logger = logger
    }

    /// The Content API's base for a Messages API base: Twilio's own host for Twilio's, else the
    /// same base (a local fake serves both).
    public static func contentBase(forAPIBase apiBase: String) -> String {
        let trimmed = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
        return trimmed == "https://api.twilio.com" ? "https://content.twilio.com" : trimmed
    }

    public func templates(scope: TenantScope) async -> WhatsAppTemplateList {
        let account: TwilioAccount
        do {
            switch try await providers.configuration(scope: scope).whatsapp {
            case .configured(let configured): account = configured
            case .missing(let problem): return .notConfigured(problem)
            }
        } catch {
            logger.warning("provider settings could not be read", metadata: ["error": "\(String(reflecting: error))"])
            return .unavailable("settings")
        }
        let request = ProviderRequest(
            method: .get, url: "\(contentBase)/v1/ContentAndApprovals?PageSize=\(Self.pageSize)", username: account.accountSID,
            password: account.authToken)
        switch await transport.http(request) {
        case .success(let response) where response.status == 200:
            guard let templates = Self.parse(response.body) else {
                logger.info("Twilio's template list was not readable")
                return .unavailable("unreadable")
            }
            return .listed(templates)
        case .success(let response):
            logger.info(
                "Twilio did not list the WhatsApp templates",
                metadata: ["status": "\(response.status)", "detail": "\(TwilioAnswer.providerText(response.body))"])
            return .unavailable("http_\(response.status)")
        case .failure(let failure):
            logger.info("Twilio's template list could not be read", metadata: ["detail": "\(failure.detail)"])
            return .unavailable("connection")
        }
    }

    /// The templates of a `ContentAndApprovals` answer, sorted by name; nil for an unreadable one.
    public static func parse(_ body: [UInt8]) -> [WhatsAppTemplate]? {
        guard let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
            let contents = json["contents"] as? [[String: Any]]
        else { return nil }
        let templates = contents.compactMap { item -> WhatsAppTemplate? in
            guard let sid = item["sid"] as? String, !sid.isEmpty else { return nil }
            let examples = (item["variables"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
            let approvals = item["approval_requests"] as? [String: Any]
            return WhatsAppTemplate(
                sid: sid, name: (item["friendly_name"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? sid,
                language: item["language"] as? String, body: Self.body(of: item["types"] as? [String: Any] ?? [:]),
                variables: WhatsAppTemplate.ordered(Array(examples.keys)).map { .init(name: $0, example: examples[$0] ?? "") },
                approval: WhatsAppApproval(twilioStatus: approvals?["status"] as? String))
        }
        return templates.sorted { ($0.name.lowercased(), $0.sid) < ($1.name.lowercased(), $1.sid) }
    }

    /// The text of a template's types: the plain text's, else the first type's body.
    static func body(of types: [String: Any]) -> String? {
        if let text = (types["twilio/text"] as? [String: Any])?["body"] as? String { return text }
        for key in types.keys.sorted() {
            if let body = (types[key] as? [String: Any])?["body"] as? String { return body }
        }
        return nil
    }
}
