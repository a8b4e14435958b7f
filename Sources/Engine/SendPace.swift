import Campaigns
import Foundation

/// How fast one tenant's channel may send (DESIGN §13): the sender — a Twilio number or
/// Messaging Service, an SMTP account, possibly shared by many tenants — is paced by its own
/// rate (`BKNTC_RATE_LIMIT`, else the provider's default) across everyone who sends from it; a
/// tenant's `rate_limit` paces only that tenant's messages, on a key of its own, and only when it
/// is slower than the sender's. One tenant's setting never slows another tenant's messages.
/// A pure value, tested as one.
public struct SendPace: Sendable, Hashable {
    /// Slots shared through `{prefix}bkntc_campaign_rates`: a key and messages per second.
    public struct Slots: Sendable, Hashable {
        public let key: String
        public let rate: Double

        public init(key: String, rate: Double) {
            self.key = key
            self.rate = rate
        }
    }

    /// The sender's slots (nil: unlimited).
    public let sender: Slots?
    /// The tenant's own slots, when its rate is slower than the sender's.
    public let tenant: Slots?

    public init(senderKey: String, senderRate: Double?, tenantRate: Double?, scope: TenantScope, channel: Channel) {
        sender = senderRate.map { Slots(key: senderKey, rate: $0) }
        if let tenantRate, tenantRate < (senderRate ?? .infinity) {
            tenant = Slots(key: Self.tenantKey(scope, channel), rate: tenantRate)
        } else {
            tenant = nil
        }
    }

    /// The slots key of a tenant's own pace (≤ 64 characters, the column's width).
    public static func tenantKey(_ scope: TenantScope, _ channel: Channel) -> String {
        "tenant:\(scope.key)/\(channel.rawValue)"
    }

    /// The rate that bounds how many rows one batch takes: the slower of the two.
    public var batchRate: Double? { tenant?.rate ?? sender?.rate }
}
