import Campaigns

/// The `code` of an error answer: the contract's codes, each spelled once.
public enum APIErrorCode: Sendable, Hashable {
    case validationFailed, invalidJSON, unsupportedMediaType, bodyTooLarge
    /// A filter this Booknetic install cannot evaluate (DESIGN §16).
    case unsupportedFilter
    case unauthorized, noSession, rateLimited
    case notFound, methodNotAllowed
    case forbidden(ForbiddenCode)
    case conflict(ConflictCode)
    case databaseUnavailable, databaseBusy, internalError
    /// The channel's provider cannot be used (409), or answered with an error (502).
    case providerNotConfigured, providerError
    /// `Idempotency-Key` (DESIGN §21): malformed (400), used with another body (422), or its
    /// first request still running (409).
    case invalidIdempotencyKey, idempotencyKeyReused, idempotencyInProgress
    /// Another HTTP status raised by the framework.
    case http(Int)

    public var rawValue: String {
        switch self {
        case .validationFailed: "validation_failed"
        case .unsupportedFilter: "unsupported_filter"
        case .invalidJSON: "invalid_json"
        case .unsupportedMediaType: "unsupported_media_type"
        case .bodyTooLarge: "body_too_large"
        case .unauthorized: "unauthorized"
        case .noSession: "no_session"
        case .rateLimited: "rate_limited"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .forbidden(let code): code.rawValue
        case .conflict(let code): code.rawValue
        case .databaseUnavailable: "database_unavailable"
        case .databaseBusy: "database_busy"
        case .internalError: "internal_error"
        case .providerNotConfigured: StatusReason.providerNotConfigured.rawValue
        case .providerError: "provider_error"
        case .invalidIdempotencyKey: "invalid_idempotency_key"
        case .idempotencyKeyReused: "idempotency_key_reused"
        case .idempotencyInProgress: "idempotency_in_progress"
        case .http(let status): "http_\(status)"
        }
    }
}
