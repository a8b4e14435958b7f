import Foundation

/// Idempotency keys and their answers, shared by every replica (DESIGN §21).
public protocol IdempotencyStore: Sendable {
    /// Claims `scope` for a request whose body hashes to `requestHash` (lowercase hex SHA-256),
    /// or says why it cannot: replay, reuse with another body, or a first request still running.
    /// A claim lives until `expiresAt`; a claim left running longer than `staleAfter` seconds
    /// (a process that died mid-request) may be taken over.
    func claim(_ scope: IdempotencyScope, requestHash: String, expiresAt: Date, staleAfter: TimeInterval) async throws
        -> IdempotencyClaim
    /// Keeps the first answer for repeats.
    func complete(_ scope: IdempotencyScope, answer: IdempotentAnswer) async throws
    /// Forgets the claim (the request failed on the server's side): a retry runs again.
    func release(_ scope: IdempotencyScope) async throws
}
