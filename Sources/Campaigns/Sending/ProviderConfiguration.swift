import Foundation

/// Where a channel's provider settings come from: all from the tenant's own `bkntc_t<id>_…`
/// options, or all from the global ones (DESIGN §13: never mixed field by field).
public enum SettingsLevel: String, Sendable, Hashable {
    case tenant, global
}

/// A Twilio account and the sender a tenant's SMS or WhatsApp messages come from.
public struct TwilioAccount: Sendable, Hashable, CustomStringConvertible {
    public var accountSID: String
    public var authToken: String
    /// A phone number (E.164) or a Messaging Service SID (`MG…`).
    public var sender: String
    public var level: SettingsLevel

    public init(accountSID: String, authToken: String, sender: String, level: SettingsLevel = .global) {
        self.accountSID = accountSID
        self.authToken = authToken
        self.sender = sender
        self.level = level
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
    /// A tenant's own SMTP host may not point into the service's network (DESIGN §13); the
    /// global one, which the WordPress administrator set, is trusted.
    public var level: SettingsLevel

    public init(
        host: String, port: Int, security: SMTPSecurity, username: String, password: String, senderEmail: String, senderName: String?,
        level: SettingsLevel = .global
    ) {
        self.level = level
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

/// A tenant's providers, resolved from Booknetic's settings (DESIGN §2, §13): per channel, the
/// credentials and the sender come as a unit from one level — the tenant's own
/// `bkntc_t<id>_<name>` values when the tenant set any of them, else the global `bkntc_<name>`
/// ones — so a tenant can never send from the platform's address on its own account or the other
/// way round; only the email sender *name* may be the tenant's over global settings. The Twilio
/// add-ons must be active.
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

    /// The options of each unit that decide its level (the sender name is not among them).
    static let smsUnit = ["sms_account_sid", "sms_auth_token", "sender_phone_number"]
    static let whatsappUnit = ["whatsapp_account_sid", "whatsapp_auth_token", "sender_phone_number_whatsapp"]
    static let emailUnit = ["mail_gateway", "smtp_hostname", "smtp_port", "smtp_secure", "smtp_username", "smtp_password", "sender_email"]

    /// Resolves the providers from option values (`option_name → option_value`) and the active
    /// plugin files (site and network-wide).
    public static func resolve(options: [String: String], tenant: Int?, activePlugins: Set<String>) -> ProviderConfiguration {
        func trimmed(_ name: String) -> String { options[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
        /// The level of a unit, and a reader of its options at that level.
        func unit(_ names: [String]) -> (level: SettingsLevel, value: (String) -> String) {
            if let tenant, names.contains(where: { !trimmed("bkntc_t\(tenant)_\($0)").isEmpty }) {
                return (.tenant, { trimmed("bkntc_t\(tenant)_\($0)") })
            }
            return (.global, { trimmed("bkntc_\($0)") })
        }
        func twilio(_ names: [String], plugin: String, addOn: String, settings: String) -> ProviderStatus<TwilioAccount> {
            guard activePlugins.contains(plugin) else { return .missing("activate the \(addOn) add-on (\(plugin))") }
            let (level, value) = unit(names)
            let own = level == .tenant ? " (your own Twilio settings are used as a whole, never mixed with the platform's)" : ""
            let sid = value(names[0])
            let token = value(names[1])
            let from = value(names[2]).replacingOccurrences(of: "whatsapp:", with: "")
            if sid.isEmpty { return .missing("set the Twilio Account SID in \(settings)\(own)") }
            if token.isEmpty { return .missing("set the Twilio Auth Token in \(settings)\(own)") }
            if from.isEmpty { return .missing("set the sender phone number in \(settings)\(own)") }
            return .configured(TwilioAccount(accountSID: sid, authToken: token, sender: from, level: level))
        }
        let sms = twilio(smsUnit, plugin: smsPlugin, addOn: "Twilio SMS", settings: "Booknetic → Settings → SMS (Twilio)")
        let whatsapp = twilio(
            whatsappUnit, plugin: whatsappPlugin, addOn: "Twilio WhatsApp", settings: "Booknetic → Settings → WhatsApp (Twilio)")
        let email = unit(emailUnit)
        let name = tenant.map { trimmed("bkntc_t\($0)_sender_name") }.flatMap { $0.isEmpty ? nil : $0 } ?? trimmed("bkntc_sender_name")
        return ProviderConfiguration(
            sms: sms, whatsapp: whatsapp, email: resolveEmail(email.value, level: email.level, senderName: name))
    }

    private static func resolveEmail(_ value: (String) -> String, level: SettingsLevel, senderName name: String) -> ProviderStatus<SMTPAccount> {
        let settings = "Booknetic → Settings → Email"
        let own = level == .tenant ? " (your own email settings are used as a whole, never mixed with the platform's)" : ""
        switch value("mail_gateway").lowercased() {
        case "smtp":
            break
        case "gmail_smtp":
            return .missing("the Gmail SMTP gateway cannot be used by the campaigns service: choose SMTP as the mail gateway in \(settings)")
        case "", "wp_mail":
            return .missing("choose SMTP as the mail gateway in \(settings)\(own) (WordPress mail cannot be used by the campaigns service)")
        case let other:
            return .missing("the mail gateway \"\(other)\" is not supported: choose SMTP in \(settings)")
        }
        let host = value("smtp_hostname")
        if host.isEmpty { return .missing("set the SMTP host in \(settings)\(own)") }
        let sender = value("sender_email")
        if sender.isEmpty { return .missing("set the sender email in \(settings)\(own)") }
        // A sender that is not one plain address could inject headers or SMTP commands.
        guard sender.unicodeScalars.allSatisfy({ !"\r\n<>".unicodeScalars.contains($0) }), AddressNormalizer.normalizeEmail(sender) != nil
        else { return .missing("the sender email in \(settings) is not a valid email address") }
        let security = SMTPSecurity(rawValue: value("smtp_secure").lowercased()) ?? .tls
        let defaultPort = security == .ssl ? 465 : 587
        let port = Int(value("smtp_port")).flatMap { (1...65535).contains($0) ? $0 : nil } ?? defaultPort
        return .configured(
            SMTPAccount(
                host: host, port: port, security: security, username: value("smtp_username"), password: value("smtp_password"),
                senderEmail: sender, senderName: name.isEmpty ? nil : name, level: level))
    }
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
