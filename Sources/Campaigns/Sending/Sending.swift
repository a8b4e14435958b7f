import Foundation

/// One message ready for the provider: a claimed log row, rendered.
public struct OutgoingMessage: Sendable, Hashable {
    public var logID: Int
    public var campaignID: Int
    public var scope: TenantScope
    public var channel: Channel
    /// The normalized address (E.164 phone or email).
    public var to: String
    public var subject: String?
    /// The rendered body (HTML for an HTML email).
    public var body: String
    public var contentSID: String?
    public var contentVariables: [String: String]?
    /// When the row was claimed (the lease starts here; lookups search from here).
    public var claimedAt: Date
    /// An email whose template is HTML (its values were escaped); a plain template's email stays
    /// plain text whatever its values contain.
    public var isHTML: Bool
    /// The email's button, personalized (DESIGN §15).
    public var action: CallToAction?
    /// The content variant (a locale key, DESIGN §15), nil for the base text; an email's footer
    /// speaks its language.
    public var locale: String?
    /// The tracked links the body carries (DESIGN §18): an email's text part uses the same short
    /// links for the same URLs.
    public var links: [TrackedLink] = []
    /// An email whose HTML part carries the open-tracking image (DESIGN §18).
    public var trackOpens = false

    public init(
        logID: Int, campaignID: Int, scope: TenantScope, channel: Channel, to: String, subject: String?, body: String,
        contentSID: String? = nil, contentVariables: [String: String]? = nil, claimedAt: Date, isHTML: Bool = false,
        action: CallToAction? = nil, locale: String? = nil
    ) {
        self.action = action
        self.locale = locale
        self.isHTML = isHTML
        self.logID = logID
        self.campaignID = campaignID
        self.scope = scope
        self.channel = channel
        self.to = to
        self.subject = subject
        self.body = body
        self.contentSID = contentSID
        self.contentVariables = contentVariables
        self.claimedAt = claimedAt
    }
}

/// What a provider call came to (swift-jobs' retry classification, in the provider's terms).
public enum SendOutcome: Sendable, Hashable {
    /// Accepted; the provider's id becomes `provider_message_id`.
    case sent(providerID: String)
    /// Worth another try later (5xx, timeouts, carrier hiccups): an attempt.
    case retryable(code: ProviderCode, message: String, retryAfter: TimeInterval?)
    /// The provider asked to slow down (HTTP 429): tried again after `retryAfter` without using
    /// an attempt, so a burst of 429s never makes a row fail — up to `BKNTC_THROTTLE_RETRIES`
    /// times per row; after that a 429 is a retryable failure (DESIGN §6).
    case throttled(code: ProviderCode, retryAfter: TimeInterval?)
    /// Never worth retrying; `suppress` adds the address to the suppression list (a STOP reply).
    case permanent(code: ProviderCode, message: String, suppress: Bool)
    /// The call may or may not have reached the provider (a timeout after sending): resolve by lookup.
    case unknown(code: ProviderCode, message: String)

    /// No call was made (the tenant's provider settings could not be read: the database is busy
    /// or away); the row is tried again after `retryAfter` without using an attempt or a throttle.
    case notAttempted(retryAfter: TimeInterval)

    /// The provider settings could not be read: tried again in a few seconds.
    public static let settingsUnavailable = SendOutcome.notAttempted(retryAfter: 5)
}

/// What a provider lookup found for a message whose outcome is unknown.
public enum LookupOutcome: Sendable, Hashable {
    case found(providerID: String)
    case notFound
    /// The provider has no lookup (SMTP): the row cannot be resolved safely.
    case unsupported
    /// The lookup itself failed; try again later.
    case failed(String)
}

/// Whether a tenant's channel can send now: one of three states, never a string and a flag.
public enum SenderReadiness: Sendable, Hashable {
    case ready
    /// Nothing can be sent (`provider_not_configured`): the text names what to fix.
    case notConfigured(String)
    /// The provider's settings could not be read (the database is busy or away): nothing is
    /// claimed now and nothing fails; the campaign goes on when they can be read again.
    case unavailable
}

/// Who a tenant's channel sends as, how fast by default, and whether it can send at all.
public struct SenderProfile: Sendable, Hashable {
    /// The sender the provider sees (the rate limit is per sender, shared by every tenant that
    /// sends from it), at most 64 ASCII characters.
    public var key: String
    /// Messages per second when neither the tenant nor `BKNTC_RATE_LIMIT` sets one (nil = unlimited).
    public var defaultRate: Double?
    public var readiness: SenderReadiness

    public init(key: String, defaultRate: Double? = nil, readiness: SenderReadiness = .ready) {
        self.key = key
        self.defaultRate = defaultRate
        self.readiness = readiness
    }

    /// What to fix before anything can be sent; nil when ready or only unreadable for now.
    public var problem: String? {
        if case .notConfigured(let problem) = readiness { problem } else { nil }
    }
}

extension MessageSender {
    /// By default every tenant's channel is its own sender, unlimited and ready; providers
    /// with a shared sender (one Twilio number for all tenants) return that instead.
    public func profile(scope: TenantScope, channel: Channel) async -> SenderProfile {
        SenderProfile(key: "\(scope.key)/\(channel.rawValue)")
    }
}

/// When a failed attempt is tried again (DESIGN §6, `BKNTC_RETRY_DELAYS`).
public struct RetryPolicy: Sendable, Hashable {
    /// Seconds after the 1st, 2nd, … retryable failure; the failure after the last is permanent.
    public let delays: [Int]

    public init(delays: [Int]) { self.delays = delays }

    public enum Decision: Sendable, Hashable {
        case retry(at: Date)
        case giveUp
    }

    /// For the `failures`-th retryable failure (1-based), at `now`. A provider's `Retry-After`
    /// can only push the attempt later, never earlier than the configured delay.
    public func decide(failures: Int, now: Date, retryAfter: TimeInterval? = nil) -> Decision {
        guard failures >= 1, failures <= delays.count else { return .giveUp }
        let delay = max(TimeInterval(delays[failures - 1]), retryAfter ?? 0)
        return .retry(at: now.addingTimeInterval(delay))
    }
}
