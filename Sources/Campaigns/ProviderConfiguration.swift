import Foundation

/// A Twilio account and the sender a tenant's SMS or WhatsApp messages come from.
public struct TwilioAccount: Sendable, Hashable, CustomStringConvertible {
    public var accountSID: String
    public var authToken: String
    /// A phone number (E.164) or a Messaging Service SID (`MG…`).
    public var sender: String

    public init(accountSID: String, authToken: String, sender: String) {
        self.accountSID = accountSID
        self.authToken = authToken
        self.sender = sender
    }

    /// Whether the sender is a Messaging Service (sent as `MessagingServiceSid`).
    public var usesMessagingService: Bool { sender.hasPrefix("MG") }

    /// Never prints the auth token.
    public var description: String { "TwilioAccount(\(accountSID), sender: \(sender))" }
}

/// How an SMTP connection is secured (Booknetic's `bkntc_smtp_secure`).
public enum SMTPSecurity: String, Sendable, Hashable {
    /// STARTTLS, required.
    case tls
    /// Implicit TLS (`smtps://`).
    case ssl
    /// Plain text.
    case none = "no"
}

/// The SMTP server and sender of a tenant's email.
public struct SMTPAccount: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var security: SMTPSecurity
    public var username: String
    public var password: String
    public var senderEmail: String
    public var senderName: String?

    public init(host: String, port: Int, security: SMTPSecurity, username: String, password: String, senderEmail: String, senderName: String?) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.senderEmail = senderEmail
        self.senderName = senderName
    }

    /// Never prints the password.
    public var description: String { "SMTPAccount(\(host):\(port), \(security.rawValue), from: \(senderEmail))" }
}

/// Whether a channel's provider can be used, and if not, what the user must fix.
public enum ProviderStatus<Account: Sendable & Hashable>: Sendable, Hashable {
    case configured(Account)
    case missing(String)

    public var account: Account? {
        if case .configured(let account) = self { return account }
        return nil
    }

    /// What to fix (nil when configured).
    public var problem: String? {
        if case .missing(let text) = self { return text }
        return nil
    }
}

/// A tenant's providers, resolved from Booknetic's settings (DESIGN §2): the tenant's own
/// `bkntc_t<id>_<name>` first, then the global `bkntc_<name>`; the Twilio add-ons must be active.
public struct ProviderConfiguration: Sendable, Hashable {
    public var sms: ProviderStatus<TwilioAccount>
    public var whatsapp: ProviderStatus<TwilioAccount>
    public var email: ProviderStatus<SMTPAccount>

    public init(sms: ProviderStatus<TwilioAccount>, whatsapp: ProviderStatus<TwilioAccount>, email: ProviderStatus<SMTPAccount>) {
        self.sms = sms
        self.whatsapp = whatsapp
        self.email = email
    }

    /// What to fix for `channel` (nil when it can send).
    public func problem(for channel: Channel) -> String? {
        switch channel {
        case .sms: sms.problem
        case .whatsapp: whatsapp.problem
        case .email: email.problem
        }
    }

    /// The Booknetic add-on plugin files (as listed in `active_plugins`).
    public static let smsPlugin = "booknetic-workflow-twilio-sms/init.php"
    public static let whatsappPlugin = "booknetic-workflow-twilio-whatsapp/init.php"

    /// Every option name the resolution reads for `tenant`, tenant-specific ones first.
    public static func optionNames(tenant: Int?) -> [String] {
        let names = [
            "sms_account_sid", "sms_auth_token", "sender_phone_number", "whatsapp_account_sid", "whatsapp_auth_token",
            "sender_phone_number_whatsapp", "mail_gateway", "smtp_hostname", "smtp_port", "smtp_secure", "smtp_username",
            "smtp_password", "sender_email", "sender_name",
        ]
        return (tenant.map { id in names.map { "bkntc_t\(id)_\($0)" } } ?? []) + names.map { "bkntc_\($0)" }
    }

    /// Resolves the providers from option values (`option_name → option_value`) and the active
    /// plugin files (site and network-wide).
    public static func resolve(options: [String: String], tenant: Int?, activePlugins: Set<String>) -> ProviderConfiguration {
        func value(_ name: String) -> String {
            if let tenant, let own = options["bkntc_t\(tenant)_\(name)"]?.trimmingCharacters(in: .whitespacesAndNewlines), !own.isEmpty {
                return own
            }
            return options["bkntc_\(name)"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        }
        func twilio(prefix: String, sender: String, plugin: String, addOn: String, settings: String) -> ProviderStatus<TwilioAccount> {
            guard activePlugins.contains(plugin) else { return .missing("activate the \(addOn) add-on (\(plugin))") }
            let sid = value("\(prefix)_account_sid")
            let token = value("\(prefix)_auth_token")
            let from = value(sender).replacingOccurrences(of: "whatsapp:", with: "")
            if sid.isEmpty { return .missing("set the Twilio Account SID in \(settings)") }
            if token.isEmpty { return .missing("set the Twilio Auth Token in \(settings)") }
            if from.isEmpty { return .missing("set the sender phone number in \(settings)") }
            return .configured(TwilioAccount(accountSID: sid, authToken: token, sender: from))
        }
        let sms = twilio(
            prefix: "sms", sender: "sender_phone_number", plugin: smsPlugin, addOn: "Twilio SMS",
            settings: "Booknetic → Settings → SMS (Twilio)")
        let whatsapp = twilio(
            prefix: "whatsapp", sender: "sender_phone_number_whatsapp", plugin: whatsappPlugin, addOn: "Twilio WhatsApp",
            settings: "Booknetic → Settings → WhatsApp (Twilio)")
        return ProviderConfiguration(sms: sms, whatsapp: whatsapp, email: resolveEmail(value))
    }

    private static func resolveEmail(_ value: (String) -> String) -> ProviderStatus<SMTPAccount> {
        let settings = "Booknetic → Settings → Email"
        switch value("mail_gateway").lowercased() {
        case "smtp":
            break
        case "gmail_smtp":
            return .missing("the Gmail SMTP gateway cannot be used by the campaigns service: choose SMTP as the mail gateway in \(settings)")
        case "", "wp_mail":
            return .missing("choose SMTP as the mail gateway in \(settings) (WordPress mail cannot be used by the campaigns service)")
        case let other:
            return .missing("the mail gateway \"\(other)\" is not supported: choose SMTP in \(settings)")
        }
        let host = value("smtp_hostname")
        if host.isEmpty { return .missing("set the SMTP host in \(settings)") }
        let sender = value("sender_email")
        if sender.isEmpty { return .missing("set the sender email in \(settings)") }
        let security = SMTPSecurity(rawValue: value("smtp_secure").lowercased()) ?? .tls
        let defaultPort = security == .ssl ? 465 : 587
        let port = Int(value("smtp_port")).flatMap { (1...65535).contains($0) ? $0 : nil } ?? defaultPort
        let name = value("sender_name")
        return .configured(
            SMTPAccount(
                host: host, port: port, security: security, username: value("smtp_username"), password: value("smtp_password"),
                senderEmail: sender, senderName: name.isEmpty ? nil : name))
    }
}

/// Reads a tenant's provider configuration (cached briefly, at most 60 s).
public protocol ProviderConfigurationSource: Sendable {
    func configuration(scope: TenantScope) async throws -> ProviderConfiguration
    /// The tenants whose SMS or WhatsApp provider uses the Twilio account `accountSID` (webhooks).
    func twilioTenants(accountSID: String) async throws -> [TwilioTenant]
}

/// A tenant whose channel sends through a Twilio account (for webhooks: which auth token signs,
/// and who sends from a number).
public struct TwilioTenant: Sendable, Hashable {
    public var scope: TenantScope
    public var channel: Channel
    public var account: TwilioAccount

    public init(scope: TenantScope, channel: Channel, account: TwilioAccount) {
        self.scope = scope
        self.channel = channel
        self.account = account
    }
}
