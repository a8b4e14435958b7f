/// Failures the domain reports; the HTTP layer maps them to status codes.
public enum DomainError: Error, Sendable, Hashable {
    /// A request field is missing or wrong; `field` names it (`segment.days`, `filters.service_ids[2]`).
    case validation(field: String, message: String)
    /// The object does not exist for this tenant.
    case notFound(String)
    /// A lifecycle rule forbids the operation.
    case conflict(ConflictCode, message: String)
    /// The caller may not do this (403).
    case forbidden(ForbiddenCode, message: String)
    /// The caller did this too often; it may try again after `retryAfter` seconds (429).
    case tooManyRequests(message: String, retryAfter: Int)
    /// A shared resource is busy right now; trying again shortly works (503).
    case unavailable(String)
    /// A filter this Booknetic install cannot evaluate (400 `unsupported_filter`), e.g.
    /// `category_ids` without customers' `category_id` column (DESIGN §16).
    case unsupportedFilter(field: String, message: String)

    public var message: String {
        switch self {
        case .validation(let field, let message), .unsupportedFilter(let field, let message): "\(field): \(message)"
        case .notFound(let what): "\(what) not found"
        case .conflict(_, let message), .forbidden(_, let message), .tooManyRequests(let message, _), .unavailable(let message): message
        }
    }
}

/// The contract's 409 codes (DESIGN §4, plus the README's additions).
public enum ConflictCode: String, Sendable, Hashable, CaseIterable {
    case campaignLocked = "campaign_locked"
    case campaignHasSends = "campaign_has_sends"
    case campaignCompleted = "campaign_completed"
    case campaignAlreadySent = "campaign_already_sent"
    case invalidTransition = "invalid_transition"
    case templateBuiltin = "template_builtin"
    case templateNameTaken = "template_name_taken"
    /// The address is on the suppression list (a test send to someone who opted out).
    case suppressed
    /// The tenant's plan allows no more SMS this month.
    case quotaExhausted = "quota_exhausted"
    /// The same manual send (channel, subject, body, recipients) went out minutes ago (DESIGN §21).
    case duplicateSend = "duplicate_send"
    /// A saved audience that a live or recurring campaign uses cannot be deleted (DESIGN §16).
    case audienceInUse = "audience_in_use"
}

/// The contract's 403 codes (DESIGN §7).
public enum ForbiddenCode: String, Sendable, Hashable, CaseIterable {
    /// The tenant's plan does not include the channel.
    case tenantGate = "tenant_gate"
    /// The user lacks the capability.
    case capability
}
