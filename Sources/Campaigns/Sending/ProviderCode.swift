/// A provider's code for an outcome (the shape of postgres-nio's `PSQLError.Code`): Twilio's
/// error number, `smtp_<reply>`, `http_<status>`, or one of the service's own words below.
/// Tenants see it in `last_error` (`code: message`) and in test-send answers, as its raw text.
public struct ProviderCode: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    /// Nothing can be sent: the channel's provider is not configured (DESIGN §6).
    public static let providerNotConfigured = ProviderCode(rawValue: StatusReason.providerNotConfigured.rawValue)
    /// No answer, and the provider's lookup did not find the message.
    public static let unknownOutcome: ProviderCode = "unknown_outcome"
    /// The provider could not be reached.
    public static let connection: ProviderCode = "connection"
    /// The provider did not answer in time (the message may have gone out).
    public static let timeout: ProviderCode = "timeout"
    /// The provider's address is not allowed.
    public static let transport: ProviderCode = "transport"
    /// Twilio accepted the message without a sid.
    public static let twilioNoSID: ProviderCode = "twilio_no_sid"
    /// The development outbox could not be written.
    public static let outbox: ProviderCode = "outbox"
    /// The SMTP server refused the login.
    public static let smtpAuth: ProviderCode = "smtp_auth"
    /// The SMTP server does not offer the STARTTLS that `tls` requires.
    public static let smtpStartTLS: ProviderCode = "smtp_starttls"
    /// The SMTP settings cannot be used (host or security).
    public static let smtpTransport: ProviderCode = "smtp_transport"
    /// No connection to the SMTP server.
    public static let smtpConnection: ProviderCode = "smtp_connection"
    /// The connection to the SMTP server was lost while sending.
    public static let smtpInterrupted: ProviderCode = "smtp_interrupted"

    /// An SMTP reply code, `smtp_550`.
    public static func smtp(_ reply: Int) -> ProviderCode { ProviderCode(rawValue: "smtp_\(reply)") }
    /// An HTTP status without a provider code, `http_503`.
    public static func http(_ status: Int) -> ProviderCode { ProviderCode(rawValue: "http_\(status)") }
    /// A Twilio error code, `21610`.
    public static func twilio(_ code: Int) -> ProviderCode { ProviderCode(rawValue: String(code)) }
}
