import Foundation
import HTTPTypes
import Hummingbird

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
}
