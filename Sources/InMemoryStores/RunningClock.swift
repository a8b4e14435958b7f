import Campaigns
import Foundation

/// A wall clock that starts at a fixed instant and runs at the real pace (the monotonic
/// clock's), for live tests that need a known date — a month that does not change during the
/// test, whatever the machine's date — but real waiting (retries, send rates).
public struct RunningClock: WallClock {
    private let start: Date
    private let started: ContinuousClock.Instant

    public init(from start: Date) {
        self.start = start
        self.started = ContinuousClock.now
    }

    public func now() -> Date {
        let elapsed = (ContinuousClock.now - started).components
        return start.addingTimeInterval(Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }
}
