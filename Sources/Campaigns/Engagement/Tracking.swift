import Foundation

/// What a channel's messages track (DESIGN §18): `clicks` rewrites links to short ones that count
/// their clicks; `opens` adds a 1×1 image to HTML emails (email only; indicative, since mail
/// clients prefetch images).
public struct Tracking: Sendable, Hashable, Codable {
    public var clicks: Bool
    public var opens: Bool

    public init(clicks: Bool, opens: Bool) {
        self.clicks = clicks
        self.opens = opens
    }

    /// The default: clicks on, opens off.
    public static let standard = Tracking(clicks: true, opens: false)
    /// Nothing tracked.
    public static let off = Tracking(clicks: false, opens: false)

    /// The value as the settings store it.
    public var json: JSONValue { .object(["clicks": .bool(clicks), "opens": .bool(opens)]) }

    /// Reads a stored value; nil when it is not an object of two booleans.
    public init?(json: JSONValue?) {
        guard case .bool(let clicks)? = json?["clicks"], case .bool(let opens)? = json?["opens"] else { return nil }
        self.init(clicks: clicks, opens: opens)
    }

    /// What applies to a channel: `opens` only for email.
    public func effective(for channel: Channel) -> Tracking {
        Tracking(clicks: clicks, opens: channel == .email && opens)
    }
}
