/// A WhatsApp message template of the tenant's Twilio account (Twilio's Content API): what the
/// editor offers by name, with its variables as fields, instead of asking for a Content SID.
public struct WhatsAppTemplate: Sendable, Hashable {
    /// The Content SID (`HX…`) a campaign sends as `content_sid`.
    public var sid: String
    /// The name the owner gave it in Twilio.
    public var name: String
    /// Its language, e.g. `en`.
    public var language: String?
    /// The text with its `{{1}}`-style placeholders, when it has one.
    public var body: String?
    /// The placeholders (`"1"`, `"2"`, …) with Twilio's sample values, in order.
    public var variables: [Variable]
    /// WhatsApp's verdict on it.
    public var approval: WhatsAppApproval

    /// Creates a template.
    public init(
        sid: String, name: String, language: String?, body: String?, variables: [Variable], approval: WhatsAppApproval
    ) {
        self.sid = sid
        self.name = name
        self.language = language
        self.body = body
        self.variables = variables
        self.approval = approval
    }

    /// A placeholder of a template and the sample value Twilio keeps for it.
    public struct Variable: Sendable, Hashable {
        public var name: String
        public var example: String

        public init(name: String, example: String) {
            self.name = name
            self.example = example
        }
    }

    /// `1, 2, 10` in numeric order, other names after them alphabetically.
    public static func ordered(_ names: [String]) -> [String] {
        names.sorted { a, b in
            switch (Int(a), Int(b)) {
            case (let x?, let y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
    }
}

/// Whether WhatsApp approved a template for business-initiated messages.
public enum WhatsAppApproval: String, Sendable, Hashable {
    case approved
    case pending
    case rejected
    /// Never submitted for approval: usable only inside the 24-hour session window.
    case unsubmitted
    /// Any other status Twilio reports (paused, disabled, …).
    case other

    /// Twilio's status text (`approved`, `received`, `pending`, `rejected`, `unsubmitted`, …).
    public init(twilioStatus: String?) {
        switch twilioStatus?.lowercased() {
        case "approved": self = .approved
        case "pending", "received": self = .pending
        case "rejected": self = .rejected
        case nil, "", "unsubmitted": self = .unsubmitted
        default: self = .other
        }
    }
}

/// What listing a tenant's WhatsApp templates found.
public enum WhatsAppTemplateList: Sendable, Hashable {
    case listed([WhatsAppTemplate])
    /// WhatsApp is not configured for the tenant: what to fix.
    case notConfigured(String)
    /// Twilio could not be asked or answered with an error (its code, for the log).
    case unavailable(String)
}
