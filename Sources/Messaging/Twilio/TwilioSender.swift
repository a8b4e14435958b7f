import Campaigns
import Foundation
import Logging

/// Sends SMS and WhatsApp messages through Twilio's Messages API (DESIGN §7), with each
/// tenant's account from Booknetic's settings; looks messages up for crash recovery (§6).
public struct TwilioSender: MessageSender {
    let transport: CurlTransport
    let apiBase: String
    let providers: any ProviderConfigurationSource
    /// `BKNTC_PUBLIC_URL/webhooks/twilio/status`, when a public URL is configured.
    let statusCallback: String?
    let logger: Logger

    /// Default rates (messages/s) when neither the tenant nor `BKNTC_RATE_LIMIT` sets one: one
    /// per second for a long code (Twilio's limit), more for a Messaging Service or WhatsApp.
    public static let longCodeRate = 1.0
    public static let messagingServiceRate = 10.0
    public static let whatsappRate = 10.0

    public init(
        transport: CurlTransport, apiBase: String, providers: any ProviderConfigurationSource, publicURL: String?, logger: Logger
    ) {
        self.transport = transport
        self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
        self.providers = providers
        self.statusCallback = publicURL.map { ($0.hasSuffix("/") ? String($0.dropLast()) : $0) + "/webhooks/twilio/status" }
        self.logger = logger
    }

    /// The tenant's account for the channel; nil when the settings could not be read (a busy or
    /// unreachable database is no reason to call a tenant unconfigured and fail its messages).
    func account(scope: TenantScope, channel: Channel) async -> ProviderStatus<TwilioAccount>? {
        do {
            let configuration = try await providers.configuration(scope: scope)
            return channel == .whatsapp ? configuration.whatsapp : configuration.sms
        } catch {
            logger.warning("provider settings could not be read", metadata: ["error": "\(String(reflecting: error))"])
            return nil
        }
    }

    public func profile(scope: TenantScope, channel: Channel) async -> SenderProfile {
        switch await account(scope: scope, channel: channel) {
        case nil:
            return SenderProfile(key: "\(scope.key)/\(channel.rawValue)", readiness: .unavailable)
        case .missing(let problem):
            return SenderProfile(key: "\(scope.key)/\(channel.rawValue)", readiness: .notConfigured(problem))
        case .configured(let account):
            let rate =
                channel == .whatsapp ? Self.whatsappRate : account.usesMessagingService ? Self.messagingServiceRate : Self.longCodeRate
            return SenderProfile(key: String("\(channel.rawValue):\(account.sender)".prefix(64)), defaultRate: rate)
        }
    }

    func address(_ value: String, channel: Channel) -> String {
        channel == .whatsapp && !value.hasPrefix("whatsapp:") ? "whatsapp:" + value : value
    }

    func messagesURL(_ account: TwilioAccount) -> String {
        "\(apiBase)/2010-04-01/Accounts/\(FormField.percentEncode(account.accountSID))/Messages.json"
    }

    /// The create request's form (To, From or MessagingServiceSid, Body or ContentSid +
    /// ContentVariables, StatusCallback).
    func form(_ message: OutgoingMessage, account: TwilioAccount) -> [FormField] {
        var form = [FormField("To", address(message.to, channel: message.channel))]
        if account.usesMessagingService {
            form.append(FormField("MessagingServiceSid", account.sender))
        } else {
            form.append(FormField("From", address(account.sender, channel: message.channel)))
        }
        if message.channel == .whatsapp, let content = message.contentSID, !content.isEmpty {
            form.append(FormField("ContentSid", content))
            let variables = message.contentVariables ?? [:]
            let data = (try? JSONSerialization.data(withJSONObject: variables, options: [.sortedKeys])) ?? Data("{}".utf8)
            form.append(FormField("ContentVariables", String(decoding: data, as: UTF8.self)))
        } else {
            form.append(FormField("Body", message.body))
        }
        if let statusCallback { form.append(FormField("StatusCallback", statusCallback)) }
        return form
    }

    public func send(_ message: OutgoingMessage) async -> SendOutcome {
        let account: TwilioAccount
        switch await self.account(scope: message.scope, channel: message.channel) {
        case .configured(let configured): account = configured
        case .missing(let problem): return .permanent(code: .providerNotConfigured, message: problem, suppress: false)
        case nil: return .settingsUnavailable
        }
        let request = ProviderRequest(
            method: .post, url: messagesURL(account), username: account.accountSID, password: account.authToken,
            form: form(message, account: account))
        let outcome: SendOutcome
        let detail: String
        switch await transport.http(request) {
        case .success(let response):
            outcome = TwilioAnswer.outcome(status: response.status, body: response.body, retryAfter: response.headers["retry-after"])
            detail = TwilioAnswer.providerText(response.body)
        case .failure(.notConnected(let text)):
            outcome = .retryable(code: .connection, message: ProviderRefusal.summary(.connection), retryAfter: nil)
            detail = text
        case .failure(.interrupted(let text)):
            outcome = .unknown(code: .timeout, message: ProviderRefusal.summary(.timeout))
            detail = text
        case .failure(.refused(let text)):
            outcome = .permanent(code: .transport, message: ProviderRefusal.summary(.transport), suppress: false)
            detail = text
        }
        if case .sent = outcome { return outcome }
        // The provider's own words stay in the service's log (DESIGN §13).
        logger.info("Twilio did not accept a message", metadata: ["log_id": "\(message.logID)", "detail": "\(detail)"])
        return outcome
    }

    public func lookup(_ message: OutgoingMessage) async -> LookupOutcome {
        guard case .configured(let account)? = await account(scope: message.scope, channel: message.channel) else {
            return .failed("the provider is not configured")
        }
        let to = address(message.to, channel: message.channel)
        var query = "To=\(FormField.percentEncode(to))&PageSize=50"
        // A Messaging Service picks its number itself: search by To alone.
        if !account.usesMessagingService { query += "&From=\(FormField.percentEncode(address(account.sender, channel: message.channel)))" }
        // Twilio's date_created has whole seconds: compare with the claim time truncated.
        let since = Date(timeIntervalSince1970: message.claimedAt.timeIntervalSince1970.rounded(.down))
        let templated = message.channel == .whatsapp && message.contentSID != nil
        var url = messagesURL(account) + "?" + query
        for _ in 0..<3 {
            let request = ProviderRequest(method: .get, url: url, username: account.accountSID, password: account.authToken)
            guard case .success(let response) = await transport.http(request) else { return .failed("the lookup did not complete") }
            guard response.status == 200, let page = TwilioAnswer.listed(response.body) else {
                return .failed("the lookup answered HTTP \(response.status)")
            }
            for listed in page.messages where listed.to == to {
                guard let created = listed.created, created >= since else { continue }
                if templated || listed.body == message.body { return .found(providerID: listed.sid) }
            }
            // Newest first: a page whose oldest message predates the claim ends the search.
            let oldest = page.messages.compactMap(\.created).min()
            guard let next = page.nextPage, let oldest, oldest >= since else { return .notFound }
            url = Self.origin(apiBase) + next
        }
        return .notFound
    }

    /// scheme://host[:port] of the API base, for Twilio's relative `next_page_uri`.
    static func origin(_ base: String) -> String {
        guard let components = URLComponents(string: base), let scheme = components.scheme, let host = components.host else { return base }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
