import CCurlShim
import Campaigns
import Crypto
import Foundation
import Logging

/// Sends email over SMTP through libcurl (DESIGN §7): one RFC 5322 message per recipient, with
/// a visible unsubscribe link and RFC 8058 one-click headers; connections are kept per server
/// and reused across the messages of a batch. SMTP has no lookup.
public struct SMTPSender: MessageSender {
    let transport: CurlTransport
    let providers: any ProviderConfigurationSource
    /// `BKNTC_PUBLIC_URL` (unsubscribe links need it) and the keys derived from `BKNTC_SECRET`
    /// (one signs them).
    let publicURL: String?
    let keys: ServiceKeys
    let clock: any WallClock
    let logger: Logger
    /// `BKNTC_ALLOW_PRIVATE_SMTP`: a tenant's own SMTP host may be an internal address.
    public var allowPrivateHosts = false

    /// Messages per second when no rate is set.
    public static let defaultRate = 5.0

    public init(
        transport: CurlTransport, providers: any ProviderConfigurationSource, publicURL: String?, secret: String, clock: any WallClock,
        logger: Logger
    ) {
        self.transport = transport
        self.providers = providers
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.keys = ServiceKeys(secret: secret)
        self.clock = clock
        self.logger = logger
    }

    /// The tenant's SMTP account; nil when the settings could not be read (a busy or
    /// unreachable database is no reason to call a tenant unconfigured and fail its messages).
    func account(scope: TenantScope) async -> ProviderStatus<SMTPAccount>? {
        do {
            return try await providers.configuration(scope: scope).email
        } catch {
            logger.warning("provider settings could not be read", metadata: ["error": "\(String(reflecting: error))"])
            return nil
        }
    }

    public func profile(scope: TenantScope, channel: Channel) async -> SenderProfile {
        switch await account(scope: scope) {
        case nil:
            return SenderProfile(key: "\(scope.key)/\(channel.rawValue)", readiness: .unavailable)
        case .missing(let problem):
            return SenderProfile(key: "\(scope.key)/\(channel.rawValue)", readiness: .notConfigured(problem))
        case .configured(let account):
            return SenderProfile(key: "smtp:" + Self.serverKey(account), defaultRate: Self.defaultRate)
        }
    }

    /// A short stable key for a server and login (the rate is per server account).
    static func serverKey(_ account: SMTPAccount) -> String {
        let digest = SHA256.hash(data: Data("\(account.host):\(account.port):\(account.username)".utf8))
        return digest.prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// The unsubscribe page for this recipient, when a public URL is configured.
    public func unsubscribeURL(scope: TenantScope, channel: Channel, address: String, campaignID: Int?) -> String? {
        guard let publicURL else { return nil }
        let token = UnsubscribeToken(scope: scope, channel: channel, address: address, campaignID: campaignID).encoded(keys: keys)
        return publicURL + "/unsubscribe/" + token
    }

    public func send(_ message: OutgoingMessage) async -> SendOutcome {
        let account: SMTPAccount
        switch await self.account(scope: message.scope) {
        case .configured(let configured): account = configured
        case .missing(let problem): return .permanent(code: .providerNotConfigured, message: problem, suppress: false)
        case nil: return .settingsUnavailable
        }
        var content = EmailContent(
            fromName: account.senderName, fromAddress: account.senderEmail, to: message.to, subject: message.subject ?? "",
            body: message.body,
            unsubscribeURL: unsubscribeURL(
                scope: message.scope, channel: .email, address: message.to, campaignID: message.campaignID > 0 ? message.campaignID : nil),
            date: clock.now(), messageID: UUID().uuidString.lowercased(), language: message.locale, isHTML: message.isHTML,
            action: message.action)
        if let publicURL {
            content.trackedLinks = message.links.map { ($0.url, publicURL + "/r/" + $0.code) }
            if message.trackOpens, message.logID > 0 {
                content.openImageURL = publicURL + "/t/o/" + OpenToken(scope: message.scope, logID: message.logID).encoded(keys: keys)
            }
        }
        let bytes = Array(EmailComposer.compose(content).utf8)
        let policy = transport.policy
        let scheme = account.security == .ssl ? "smtps" : "smtp"
        // An IPv6 literal goes in brackets (RFC 3986 §3.2.2).
        let host = account.host.contains(":") && !account.host.hasPrefix("[") ? "[\(account.host)]" : account.host
        let url = "\(scheme)://\(host):\(account.port)"
        let key = url + "|" + account.username
        // A tenant's own host never reaches the service's network (DESIGN §13); the WordPress
        // administrator's global host is trusted.
        let guarded = account.level == .tenant && !allowPrivateHosts
        let result = await transport.perform(key: key, upload: bytes) { handle in
            handle.applyPolicy(policy, protocols: "smtp,smtps")
            if guarded { handle.refuseInternalAddresses() }
            handle.set(CURLOPT_URL, url)
            if account.security == .tls { handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
            if !account.username.isEmpty {
                handle.set(CURLOPT_USERNAME, account.username)
                handle.set(CURLOPT_PASSWORD, account.password)
            }
            handle.set(CURLOPT_MAIL_FROM, "<\(account.senderEmail)>")
            handle.set(CURLOPT_MAIL_RCPT, list: ["<\(message.to)>"])
        }
        if result.refusedInternalAddress {
            logger.warning("refused a tenant's SMTP host on an internal address", metadata: ["tenant": "\(message.scope.key)"])
            return .permanent(code: .providerNotConfigured, message: Self.internalHostProblem, suppress: false)
        }
        let outcome = Self.outcome(result)
        if case .sent = outcome { return outcome }
        // The server's reply and libcurl's text stay in the service's log (DESIGN §13): for a
        // tenant's own host they could describe the service's network.
        let reply = result.headerLines.last(where: { $0.hasPrefix(String(result.responseCode)) }) ?? result.errorText
        logger.info("the SMTP server did not accept a message", metadata: ["log_id": "\(message.logID)", "detail": "\(reply.prefix(300))"])
        return outcome
    }

    /// Why a tenant's SMTP host was refused, naming the setting.
    static let internalHostProblem =
        "the SMTP host in Booknetic → Settings → Email points to a private, loopback or link-local address, which a tenant's own settings may not use"

    /// SMTP has no lookup: an interrupted email cannot be resolved safely.
    public func lookup(_ message: OutgoingMessage) async -> LookupOutcome { .unsupported }

    /// The outcome of a transfer: 4xx retryable, 5xx permanent (550 "user unknown" also
    /// suppresses); no connection is retryable, a lost one after DATA unknown. Messages are the
    /// generic ones of ``ProviderRefusal``.
    static func outcome(_ result: CurlResult) -> SendOutcome {
        if result.succeeded { return .sent(providerID: "smtp-" + UUID().uuidString.lowercased()) }
        let reply = result.headerLines.last(where: { $0.hasPrefix(String(result.responseCode)) }) ?? result.errorText
        func refusal(_ code: ProviderCode) -> String { ProviderRefusal.summary(code) }
        switch result.responseCode {
        case 400..<500:
            let code = ProviderCode.smtp(result.responseCode)
            return .retryable(code: code, message: refusal(code), retryAfter: nil)
        case 500..<600:
            let lower = reply.lowercased()
            let unknownUser =
                result.responseCode == 550
                && ["user unknown", "unknown user", "no such user", "does not exist", "5.1.1", "mailbox unavailable", "recipient rejected"]
                    .contains(where: lower.contains)
            let code = ProviderCode.smtp(result.responseCode)
            return .permanent(code: code, message: refusal(code), suppress: unknownUser)
        default:
            break
        }
        switch result.code {
        case CURLE_LOGIN_DENIED:
            return .permanent(code: .smtpAuth, message: refusal(.smtpAuth), suppress: false)
        case CURLE_USE_SSL_FAILED:
            return .permanent(code: .smtpStartTLS, message: refusal(.smtpStartTLS), suppress: false)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .permanent(code: .smtpTransport, message: refusal(.smtpTransport), suppress: false)
        default:
            return result.requestStarted && result.code != CURLE_COULDNT_CONNECT && result.code != CURLE_COULDNT_RESOLVE_HOST
                ? .unknown(code: .smtpInterrupted, message: refusal(.smtpInterrupted))
                : .retryable(code: .smtpConnection, message: refusal(.smtpConnection), retryAfter: nil)
        }
    }
}
