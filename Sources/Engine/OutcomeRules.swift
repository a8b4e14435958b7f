import Campaigns
import Foundation

/// What a provider's answer makes of a claimed row (DESIGN §6), as a value: retries by the
/// retry policy, a bounded number of free 429s, suppressions for STOP replies, recovery's
/// lookups. No I/O: tested as a value.
public struct OutcomeRules: Sendable, Hashable {
    /// Delays between retryable failures; after the last, a failure is permanent.
    public var retry: RetryPolicy
    /// How many 429s a row waits out before a 429 counts as a retryable failure.
    public var throttleRetries: Int

    public init(retry: RetryPolicy, throttleRetries: Int) {
        self.retry = retry
        self.throttleRetries = throttleRetries
    }

    /// A row's new state, and the suppression its outcome asks for.
    public struct Resolution: Sendable, Hashable {
        public var row: RowResult
        public var suppress: SuppressionRequest?

        public init(row: RowResult, suppress: SuppressionRequest? = nil) {
            self.row = row
            self.suppress = suppress
        }
    }

    /// The results of a batch's answered calls, the suppressions they ask for, and their counts.
    public struct Tally: Sendable, Hashable {
        public var results: [RowResult] = []
        public var suppress: [SuppressionRequest] = []
        public var counts = SendCounts()

        public init() {}
    }

    /// The row's new state for a provider outcome (nil outcome: the call never started, so the
    /// row is released). Nil when the outcome stays unknown after the lookup: the row stays
    /// `sending` and recovery resolves it after the lease, never by a blind resend.
    public func resolve(_ row: ClaimedRow, _ outcome: SendOutcome?, now: Date) -> Resolution? {
        switch outcome {
        case nil:
            return Resolution(row: .released(id: row.id))
        case .sent(let id):
            return Resolution(row: .sent(id: row.id, providerID: id))
        case .retryable(let code, let message, let retryAfter):
            return Resolution(row: failure(row, .provider(code: code, message: message), now: now, retryAfter: retryAfter))
        case .throttled(let code, let retryAfter):
            // Not the row's fault: it waits out the provider's Retry-After (at least a second),
            // a bounded number of times; then a 429 fails like a 500 (DESIGN §6).
            guard row.throttles >= throttleRetries else {
                return Resolution(row: .throttled(id: row.id, until: now.addingTimeInterval(max(1, retryAfter ?? 1))))
            }
            return Resolution(row: failure(row, .keptThrottling(code: code), now: now, retryAfter: retryAfter))
        case .notAttempted(let retryAfter):
            return Resolution(row: .deferred(id: row.id, until: now.addingTimeInterval(max(1, retryAfter))))
        case .permanent(let code, let message, let suppress):
            let request =
                suppress
                ? SuppressionRequest(scope: row.scope, channel: row.channel, address: row.address, reason: SuppressionReason.stopReply)
                : nil
            // provider_not_configured is the row's whole `last_error` (DESIGN §6); the campaign's
            // status_reason follows it when nothing was sent.
            return Resolution(row: .failed(id: row.id, error: .refusal(code: code, message: message)), suppress: request)
        case .unknown:
            // Neither sent nor refused, and no lookup could tell. Email cannot be looked up:
            // it fails `interrupted`. Others stay `sending` until recovery asks again.
            return row.channel == .email ? Resolution(row: .failed(id: row.id, error: .interrupted)) : nil
        }
    }

    /// A retryable failure: retried at the policy's next delay, or failed when none is left.
    private func failure(_ row: ClaimedRow, _ error: RowFailure, now: Date, retryAfter: TimeInterval?) -> RowResult {
        switch retry.decide(failures: row.attempts + 1, now: now, retryAfter: retryAfter) {
        case .retry(let at): .retry(id: row.id, at: at, error: error)
        case .giveUp: .failed(id: row.id, error: error)
        }
    }

    /// The new rows' states for a batch's answered calls, with the suppressions they ask for.
    public func tally(_ outcomes: [(ClaimedRow, SendOutcome?)], now: Date) -> Tally {
        var tally = Tally()
        for (row, outcome) in outcomes {
            guard let resolution = resolve(row, outcome, now: now) else { continue }
            tally.results.append(resolution.row)
            if let request = resolution.suppress { tally.suppress.append(request) }
            switch resolution.row {
            case .sent: tally.counts.sent += 1
            case .failed: tally.counts.failed += 1
            case .retry: tally.counts.retrying += 1
            default: break
            }
        }
        return tally
    }

    /// A call's outcome once the lookup after an unknown answer is in: found is sent, not found
    /// is a retryable `unknown_outcome`; a lookup that failed or does not exist leaves it unknown.
    public static func afterLookup(_ outcome: SendOutcome, _ lookup: LookupOutcome) -> SendOutcome {
        switch lookup {
        case .found(let id): .sent(providerID: id)
        case .notFound:
            .retryable(code: .unknownOutcome, message: RowFailure.unknownOutcomeMessage, retryAfter: nil)
        case .failed, .unsupported: outcome
        }
    }

    /// Recovery's decision for a row taken over from an expired lease, by what its lookup found:
    /// found is sent, not found goes back to pending (it never reached the provider), no lookup
    /// fails `interrupted`; nil when the lookup itself failed (the next round asks again).
    public static func recovered(_ row: ClaimedRow, _ lookup: LookupOutcome) -> RowResult? {
        switch lookup {
        case .found(let id): .sent(id: row.id, providerID: id)
        case .notFound: .released(id: row.id)
        case .unsupported: .failed(id: row.id, error: .interrupted)
        case .failed: nil
        }
    }
}
