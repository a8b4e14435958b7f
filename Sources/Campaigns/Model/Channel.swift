/// A delivery channel of a campaign: Twilio SMS, Twilio WhatsApp, or SMTP email.
public enum Channel: String, Sendable, Codable, CaseIterable, Hashable {
    case sms
    case whatsapp
    case email

    /// Whether recipients are reached by phone number (E.164) rather than by email address.
    public var usesPhone: Bool { self != .email }

    /// The channel's name in sentences people read ("SMS", "WhatsApp", "email").
    public var displayName: String {
        switch self {
        case .sms: "SMS"
        case .whatsapp: "WhatsApp"
        case .email: "email"
        }
    }
}
