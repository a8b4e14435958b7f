import Campaigns
import Hummingbird
import Logging
import MariaDB

import struct NIOCore.NIOTooManyBytesError

/// Maps every failure to an ``APIError``: domain errors to 400/404/409, a database outage to
/// 503, anything unexpected to a logged 500 without details.
enum ErrorMapping {
    static func map(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as DomainError:
            switch error {
            case .validation(let field, let message): return .validation(field, message)
            case .unsupportedFilter(let field, let message):
                return APIError(.badRequest, code: .unsupportedFilter, message: FieldWords.sentence(field, message), field: field)
            case .notFound(let what): return .notFound(what)
            case .conflict(let code, let message): return APIError(.conflict, code: .conflict(code), message: message)
            case .forbidden(let code, let message): return APIError(.forbidden, code: .forbidden(code), message: message)
            case .tooManyRequests(let message, let retryAfter):
                return APIError(.tooManyRequests, code: .rateLimited, message: message, retryAfter: max(1, retryAfter))
            case .unavailable(let message):
                return APIError(.serviceUnavailable, code: .databaseBusy, message: message, retryAfter: 1)
            }
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, code: .bodyTooLarge, message: "request bodies are limited to 1 MiB")
        case let error as MariaDBError where error.isDataTooLong:
            // Data too long / out of range: a limit validation missed; the caller's input is at fault.
            logger.warning("value rejected by the database", metadata: ["error": "\(error.detail)"])
            return APIError(.badRequest, code: .validationFailed, message: "a value is too long or out of range")
        case let error as MariaDBError where { if case .valueOutOfRange = error { true } else { false } }():
            return APIError(.badRequest, code: .validationFailed, message: "a value is out of range")
        case let error as MariaDBError where error.isDeadlock:
            logger.warning("transaction lost a lock conflict after its retries", metadata: ["error": "\(error.detail)"])
            return APIError(.serviceUnavailable, code: .databaseBusy, message: "the service is busy; try again shortly", retryAfter: 1)
        case let error as MariaDBError where { if case .poolExhausted = error { true } else { false } }():
            logger.warning("database busy", metadata: ["error": "\(error.detail)"])
            return APIError(
                .serviceUnavailable, code: .databaseBusy, message: "the service is busy; try again shortly", retryAfter: 1)
        case let error as MariaDBError where error.isConnectionError:
            logger.error("database unavailable", metadata: ["error": "\(error.detail)"])
            return APIError(.serviceUnavailable, code: .databaseUnavailable, message: "the database is not reachable; try again shortly")
        case let error as HTTPError:
            switch error.status {
            case .contentTooLarge:
                return APIError(.contentTooLarge, code: .bodyTooLarge, message: "request bodies are limited to 1 MiB")
            case .notFound: return APIError(.notFound, code: .notFound, message: "no such route")
            case .methodNotAllowed: return APIError(.methodNotAllowed, code: .methodNotAllowed, message: "method not allowed")
            default:
                return APIError(error.status, code: .http(Int(error.status.code)), message: error.body ?? error.status.reasonPhrase)
            }
        default:
            let detail = (error as? MariaDBError)?.detail ?? String(describing: error)
            logger.error("unexpected error", metadata: ["error": "\(detail)"])
            return APIError(.internalServerError, code: .internalError, message: "an unexpected error occurred")
        }
    }
}
