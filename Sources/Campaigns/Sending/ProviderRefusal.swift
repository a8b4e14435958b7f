/// Short, generic words for a provider's refusal, by its code (DESIGN §13). Tenants see the code
/// and these words only (in log rows, CSV exports, test-send answers); the provider's own text —
/// which for a tenant's SMTP host could describe the service's own network — goes to the
/// service's log.
public enum ProviderRefusal {
    /// What `code` means, in a few words a salon owner understands.
    public static func summary(_ code: ProviderCode) -> String { summary(code.rawValue) }

    /// What the code `code` means, by its text.
    public static func summary(_ code: String) -> String {
        if let known = twilio[code] { return known }
        if code.hasPrefix("smtp_4") { return "the mail server asked to try again later" }
        if code.hasPrefix("smtp_5") { return "the mail server refused the message" }
        if code.hasPrefix("http_5") { return "the provider had a temporary problem" }
        if code.hasPrefix("http_") { return "the provider refused the request" }
        switch code {
        case "smtp_auth": return "the SMTP server refused the login: check the SMTP username and password"
        case "smtp_starttls": return "the SMTP server does not offer STARTTLS (required for tls)"
        case "smtp_connection": return "could not connect to the SMTP server"
        case "smtp_interrupted": return "the connection to the SMTP server was lost while sending"
        case "smtp_transport": return "the SMTP settings cannot be used: check the host and security"
        case "connection": return "could not reach the provider"
        case "timeout": return "the provider did not answer in time"
        case "transport": return "the provider address is not allowed"
        case "twilio_no_sid": return "the provider accepted the message without an id"
        case ProviderCode.unknownOutcome.rawValue: return "no answer, and the message was not found by lookup"
        default: return "the provider refused the message"
        }
    }

    private static let twilio: [String: String] = [
        "20003": "the provider refused the credentials: check the Account SID and Auth Token",
        "20429": "the provider asked to slow down",
        "21211": "not a valid phone number",
        "21408": "sending to this region is not enabled in the Twilio account",
        "21610": "the recipient replied STOP",
        "21612": "this number cannot be reached from the sender",
        "21614": "not a mobile number",
        "21635": "not a valid mobile number",
        "30001": "the message queue overflowed",
        "30003": "the phone is unreachable",
        "30004": "the message was blocked",
        "30005": "unknown or inactive number",
        "30006": "a landline or unreachable carrier",
        "30007": "the carrier filtered the message",
        "30008": "an unknown delivery error",
        "63016": "outside the WhatsApp 24-hour window: send an approved template (content_sid)",
    ]
}
