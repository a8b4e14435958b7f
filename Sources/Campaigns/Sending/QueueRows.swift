import Foundation

/// A claimed log row: `sending`, leased to one worker since `claimedAt`.
public struct ClaimedRow: Sendable, Hashable {
    public init(
        id: Int, campaignID: Int, run: Int, scope: TenantScope, channel: Channel, customerID: Int?, address: String,
        firstName: String?, lastName: String?, attempts: Int, claimedAt: Date, claimToken: String, throttles: Int = 0,
        locale: String? = nil
    ) {
        self.locale = locale
        self.throttles = throttles
        self.claimToken = claimToken
        self.id = id
        self.campaignID = campaignID
        self.run = run
        self.scope = scope
        self.channel = channel
        self.customerID = customerID
        self.address = address
        self.firstName = firstName
        self.lastName = lastName
        self.attempts = attempts
        self.claimedAt = claimedAt
    }

    public var id: Int
    public var campaignID: Int
    public var run: Int
    public var scope: TenantScope
    public var channel: Channel
    public var customerID: Int?
    public var address: String
    public var firstName: String?
    public var lastName: String?
    /// Attempts recorded before this claim.
    public var attempts: Int
    /// Times the provider throttled this row before (a 429 is free only so many times).
    public var throttles: Int
    public var claimedAt: Date
    /// The claim's own token (`claimed_by`): outcomes are written only while it still holds,
    /// so a batch that outlived its lease cannot overwrite what recovery decided.
    public var claimToken: String
    /// The content variant chosen at the snapshot (DESIGN §15), nil for the base text.
    public var locale: String?

    /// A new claim token for `worker`: the replica's id and a random part (≤ 64 characters, the
    /// width of `claimed_by`).
    public static func newToken(worker: String) -> String {
        String(worker.prefix(52)) + "/" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// The recipient as personalization sees it.
    public var recipient: Recipient {
        Recipient(customerID: customerID ?? 0, address: address, firstName: firstName, lastName: lastName)
    }
}

/// What became of a claimed row; `record` writes a batch of these at once.
public enum RowResult: Sendable, Hashable {
    /// Accepted by the provider (an attempt).
    case sent(id: Int, providerID: String)
    /// A retryable failure: `pending` again at `at` (an attempt).
    case retry(id: Int, at: Date, error: RowFailure)
    /// A permanent failure (an attempt).
    case failed(id: Int, error: RowFailure)
    /// Not sent, and never will be (not an attempt).
    case skipped(id: Int, reason: SkipReason)
    /// Held by quiet hours until `until` (not an attempt).
    case held(id: Int, until: Date)
    /// Back to `pending` without using an attempt (the call never started, or a lookup found
    /// nothing).
    case released(id: Int)
    /// Back to `pending`, due at `until` (no rate slot was free within the lease; not an attempt).
    case deferred(id: Int, until: Date)
    /// The provider asked to slow down (a 429): back to `pending`, due at `until`, counted in the
    /// row's throttles but not an attempt.
    case throttled(id: Int, until: Date)

    public var id: Int {
        switch self {
        case .sent(let id, _), .retry(let id, _, _), .failed(let id, _), .skipped(let id, _), .held(let id, _), .released(let id),
            .deferred(let id, _), .throttled(let id, _):
            id
        }
    }
}

/// An address to add to the suppression list because of a provider's answer (Twilio 21610).
public struct SuppressionRequest: Sendable, Hashable {
    public var scope: TenantScope
    public var channel: Channel
    public var address: String
    public var reason: String

    public init(scope: TenantScope, channel: Channel, address: String, reason: String) {
        self.scope = scope
        self.channel = channel
        self.address = address
        self.reason = reason
    }
}
