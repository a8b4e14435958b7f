import Foundation

/// Clicks and opens as they come in (DESIGN §18): the public `/r/{code}` and `/t/o/{token}`
/// routes record them on the log row of the message.
public protocol EngagementStore: Sendable {
    /// The original URL of `code` (nil: no such link); with `record`, its log row's `clicks` goes
    /// up by one and a first click sets `clicked_at` to `now`. One indexed lookup, one update.
    func click(code: String, record: Bool, now: Date) async throws -> String?
    /// The first open of a log row of the tenant sets its `opened_at`; later ones change nothing.
    func open(scope: TenantScope, logID: Int, now: Date) async throws
}

/// No tracked links at all (a service without a store for them): every code is unknown.
public struct NoEngagementStore: EngagementStore {
    public init() {}
    public func click(code: String, record: Bool, now: Date) async throws -> String? { nil }
    public func open(scope: TenantScope, logID: Int, now: Date) async throws {}
}
