import Campaigns
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `Idempotency-Key` on the POSTs that create or send (DESIGN §21), as a wrapper around a route's
/// handler so every such route (campaigns, send, duplicate, test and manual sends, templates,
/// suppressions, and the audiences and broadcasts to come) gets the same rules by declaring
/// itself idempotent:
///
/// - no header: the handler runs exactly as without this wrapper;
/// - a malformed key (not 1–64 visible ASCII characters): 400 `invalid_idempotency_key`;
/// - a new key (per tenant, user, method, path and key): the handler runs; an answer below 500
///   is kept for 24 h, a 5xx releases the key so that a retry runs again;
/// - the same key and body again: the first answer (status, body, content type) with
///   `Idempotent-Replayed: true`, and nothing runs;
/// - the same key with another body (by SHA-256): 422 `idempotency_key_reused`;
/// - the same key while the first request still runs: waits up to `wait` for its answer, then
///   409 `idempotency_in_progress`.
struct IdempotencyGuard: Sendable {
    typealias Handler = @Sendable (Request, AppRequestContext) async throws -> Response

    static let keyHeader = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!

    let store: any IdempotencyStore
    let clock: any WallClock
    /// How long a key and its answer are kept.
    var lifetime: TimeInterval = 24 * 3600
    /// How long a repeat waits for a first request that is still running.
    var wait: Duration = .seconds(5)
    /// How often the waiting repeat looks again.
    var poll: Duration = .milliseconds(50)
    /// A first request still running after this long is taken to have died with its process.
    var staleAfter: TimeInterval = 600

    /// The handler with the rules above.
    func wrap(_ handler: @escaping Handler) -> Handler {
        { request, context in
            guard let key = request.headers[Self.keyHeader] else { return try await handler(request, context) }
            return try await run(key: key, request, context, handler)
        }
    }

    private func run(key: String, _ request: Request, _ context: AppRequestContext, _ handler: Handler) async throws -> Response {
        guard IdempotencyScope.isValidKey(key) else {
            throw APIError(
                .badRequest, code: .invalidIdempotencyKey,
                message: "The Idempotency-Key header must be 1 to 64 visible characters (letters, digits or punctuation, no spaces).")
        }
        guard let identity = context.identity else { throw APIError.unauthorized }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let hash = SHA256.hash(data: Data(body.readableBytesView)).map { String(format: "%02x", $0) }.joined()
        let scope = IdempotencyScope(
            tenant: identity.scope, userID: identity.userID, method: request.method.rawValue, path: request.uri.path, key: key)
        let deadline = ContinuousClock.now + wait
        while true {
            switch try await store.claim(
                scope, requestHash: hash, expiresAt: clock.now().addingTimeInterval(lifetime), staleAfter: staleAfter)
            {
            case .claimed:
                return try await first(request, context, scope: scope, store: store, handler)
            case .replay(let answer):
                return Self.response(answer, replayed: true)
            case .reused:
                throw APIError(
                    .unprocessableContent, code: .idempotencyKeyReused,
                    message: "This Idempotency-Key was already used for a different request. Use a new key for a new action.")
            case .inProgress:
                guard ContinuousClock.now < deadline else {
                    throw APIError(
                        .conflict, code: .idempotencyInProgress,
                        message: "The same request is still being processed. Wait a moment, then check whether it went through.",
                        retryAfter: 1)
                }
                try await Task.sleep(for: poll)
            }
        }
    }

    /// Runs the first request with a key and keeps its answer (or releases the key on a 5xx or
    /// a failure that reaches no answer).
    private func first(
        _ request: Request, _ context: AppRequestContext, scope: IdempotencyScope, store: any IdempotencyStore, _ handler: Handler
    ) async throws -> Response {
        let response: Response
        do {
            response = try await handler(request, context)
        } catch {
            let mapped = ErrorMapping.map(error, logger: context.logger)
            if mapped.status.code >= 500 {
                try? await store.release(scope)
                throw error
            }
            response = mapped.errorResponse()
        }
        guard response.status.code < 500 else {
            try? await store.release(scope)
            return response
        }
        let collected: ByteBuffer
        do {
            collected = try await Self.collect(response.body)
        } catch {
            try? await store.release(scope)
            throw error
        }
        let answer = IdempotentAnswer(
            status: Int(response.status.code), contentType: response.headers[.contentType], body: Array(collected.readableBytesView))
        do {
            try await store.complete(scope, answer: answer)
        } catch {
            // The work is done; an answer that cannot be kept must not let a retry do it again
            // within the key's life, so the claim stays (a repeat waits, then gets 409).
            context.logger.warning("idempotent answer not stored", metadata: ["error": "\(error)"])
        }
        var headers = response.headers
        headers[.contentLength] = nil
        return Response(status: response.status, headers: headers, body: .init(byteBuffer: collected))
    }

    static func response(_ answer: IdempotentAnswer, replayed: Bool) -> Response {
        var headers = HTTPFields()
        if let type = answer.contentType { headers[.contentType] = type }
        headers[.cacheControl] = "no-store"
        if replayed { headers[Self.replayedHeader] = "true" }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// The whole body of an answer (the routes this wraps answer small JSON documents).
    static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let sink = CollectedBody()
        try await body.write(CollectingWriter(sink: sink))
        return sink.buffer
    }
}

/// Where `CollectingWriter` puts what it is given (used by one task at a time).
private final class CollectedBody {
    var buffer = ByteBuffer()
}

/// A response body writer that keeps the bytes instead of sending them.
private struct CollectingWriter: ResponseBodyWriter {
    let sink: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        sink.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
