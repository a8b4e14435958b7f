import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MariaDB
import struct NIOCore.NIOTooManyBytesError

/// The `code` of an error answer: the contract's codes, each spelled once.
public enum APIErrorCode: Sendable, Hashable {
    case validationFailed, invalidJSON, unsupportedMediaType, bodyTooLarge
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

/// An error answered as `{"error":{"code","message","field?"}}` with its HTTP status.
public struct APIError: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: APIErrorCode
    public var message: String
    public var field: String?
    /// Seconds for a `Retry-After` header (429).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: APIErrorCode, message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        errorResponse()
    }

    func errorResponse() -> Response {
        var response = jsonResponse(ErrorBody(error: .init(code: code.rawValue, message: message, field: field)), status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    static func validation(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: .validationFailed, message: FieldWords.sentence(field, message), field: field)
    }

    static let unauthorized = APIError(.unauthorized, code: .unauthorized, message: "missing or invalid credentials")

    /// 429 with `Retry-After`.
    static func rateLimited(retryAfter seconds: Int) -> APIError {
        APIError(.tooManyRequests, code: .rateLimited, message: "too many requests; retry in \(seconds) s", retryAfter: seconds)
    }

    static func notFound(_ what: String) -> APIError { APIError(.notFound, code: .notFound, message: "\(what) not found") }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?
        }
        let error: Detail
    }
}

/// Maps every failure to the JSON error shape: domain errors to 400/404/409, a database outage
/// to 503, anything unexpected to a logged 500 without details. Never a stack trace.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.map(error, logger: context.logger).errorResponse()
        }
    }

    static func map(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as DomainError:
            switch error {
            case .validation(let field, let message): return .validation(field, message)
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

/// Encodes snake_case JSON with ISO-8601 UTC dates.
func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
    let data = (try? APIJSON.encoder.encode(value)) ?? Data("{}".utf8)
    var headers = HTTPFields()
    headers[.contentType] = "application/json; charset=utf-8"
    headers[.cacheControl] = "no-store"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

enum APIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension Request {
    /// Reads the JSON body (≤ 1 MiB) as a `JSONValue`; a wrong content type is 415, bad JSON 400.
    mutating func jsonBody() async throws -> JSONValue {
        if let type = headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw APIError(.unsupportedMediaType, code: .unsupportedMediaType, message: "send application/json")
        }
        let buffer = try await collectBody(upTo: 1 << 20)
        guard buffer.readableBytes > 0 else { throw APIError.validation("body", "is required (a JSON object)") }
        let bytes = Data(buffer.readableBytesView)
        guard String(data: bytes, encoding: .utf8) != nil else {
            throw APIError(.badRequest, code: .invalidJSON, message: "the body is not valid UTF-8")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: bytes)
        } catch {
            throw APIError(.badRequest, code: .invalidJSON, message: "the body is not valid JSON")
        }
    }

    /// A positive integer query parameter, or a 400 naming it.
    func queryInt(_ name: String, default fallback: Int) throws -> Int {
        guard let raw = uri.queryParameters[name[...]] else { return fallback }
        guard let value = Int(String(raw)) else { throw APIError.validation(name, "must be a whole number") }
        return value
    }

    func queryString(_ name: String) -> String? {
        uri.queryParameters[name[...]].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    func pageRequest() throws -> PageRequest {
        let page = try queryInt("page", default: 1)
        let perPage = try queryInt("per_page", default: 20)
        guard (1...1_000_000).contains(page) else { throw APIError.validation("page", "must be between 1 and 1000000") }
        guard (1...100).contains(perPage) else { throw APIError.validation("per_page", "must be between 1 and 100") }
        return PageRequest(page: page, perPage: perPage)
    }

    /// `?run=N`: an earlier run of a recurring campaign (nil = the current run).
    func runNumber() throws -> Int? {
        guard let raw = queryString("run") else { return nil }
        guard let run = Int(raw), (1...1_000_000).contains(run) else { throw APIError.validation("run", "must be a run number from 1") }
        return run
    }

    func queryChannel() throws -> Channel? {
        guard let raw = queryString("channel") else { return nil }
        guard let channel = Channel(rawValue: raw) else { throw APIError.validation("channel", "must be sms, whatsapp or email") }
        return channel
    }
}

extension AppRequestContext {
    /// The id path parameter as a positive integer (anything else is a 404: no such object).
    func id(_ name: String = "id") throws -> Int {
        guard let raw = parameters.get(name), let id = Int(raw), id > 0 else { throw APIError.notFound("object") }
        return id
    }
}

/// A page of items in list answers.
struct PageBody<Item: Encodable>: Encodable {
    let items: [Item]
    let total: Int
    let page: Int
    let perPage: Int

    init<T>(_ page: Page<T>, _ transform: (T) -> Item) {
        self.items = page.items.map(transform)
        self.total = page.total
        self.page = page.page
        self.perPage = page.perPage
    }
}
