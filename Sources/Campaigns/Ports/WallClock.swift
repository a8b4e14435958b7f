import Foundation
import Synchronization

/// The one source of "now" for the service: API handlers, repositories and SQL parameters all
/// read it, so tests can move time.
public protocol WallClock: Sendable {
    func now() -> Date
}
