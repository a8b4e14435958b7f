/// Failures the domain reports; the HTTP layer maps them to status codes.
public enum DomainError: Error, Sendable, Hashable {
    /// A request field is missing or wrong; `field` names it (`segment.days`, `filters.service_ids[2]`).
    case validation(field: String, message: String)
    /// The object does not exist for this tenant.
    case notFound(String)
    /// A lifecycle rule forbids the operation; `code` is the contract's error code
    /// (`campaign_locked`, `campaign_has_sends`, `campaign_completed`, …).
    case conflict(code: String, message: String)

    public var message: String {
        switch self {
        case .validation(let field, let message): "\(field): \(message)"
        case .notFound(let what): "\(what) not found"
        case .conflict(_, let message): message
        }
    }
}
