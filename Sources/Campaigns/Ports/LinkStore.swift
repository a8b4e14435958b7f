import Foundation

/// A tracked link to store (DESIGN §18): its code, the log row whose message carries it and the
/// original URL.
public struct NewTrackedLink: Sendable, Hashable {
    public var scope: TenantScope
    public var logID: Int
    public var campaignID: Int
    public var link: TrackedLink

    public init(scope: TenantScope, logID: Int, campaignID: Int, link: TrackedLink) {
        self.scope = scope
        self.logID = logID
        self.campaignID = campaignID
        self.link = link
    }
}

/// Why storing links failed in a way the engine handles: a code already taken (new codes are
/// drawn and the insert tried again).
public enum LinkStoreError: Error, Sendable, Hashable {
    case duplicateCode
}

/// The engine's tracked links, on its connection: the codes a row's message already carries (a
/// retry or a lookup renders the same text) and the new ones, one insert per batch.
public protocol LinkStore: Sendable {
    /// For each of `logIDs` that has links: original URL → code.
    func codes(logIDs: [Int]) async throws -> [Int: [String: String]]
    /// Stores `links` in one statement, committed before it returns; throws
    /// `LinkStoreError.duplicateCode` (and stores none) when a code is taken.
    func insert(_ links: [NewTrackedLink], now: Date) async throws
}
