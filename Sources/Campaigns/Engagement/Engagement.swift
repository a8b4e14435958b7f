import Foundation

/// What a recipient did with a message (DESIGN §18): the first click of one of its tracked
/// links, how many clicks there were, and the first load of its open image.
public struct Engagement: Sendable, Hashable {
    public var clickedAt: Date?
    public var clicks: Int
    public var openedAt: Date?

    public init(clickedAt: Date? = nil, clicks: Int = 0, openedAt: Date? = nil) {
        self.clickedAt = clickedAt
        self.clicks = clicks
        self.openedAt = openedAt
    }
}
