import Campaigns
import Foundation
import Synchronization

/// What the engine did, for `/metrics` and `/ready`: claims and their latency, outcomes per
/// channel, provider latency, the current send rate and the worker's heartbeat.
public final class EngineMetrics: Sendable {
    /// Upper bounds (seconds) of the latency histograms.
    public static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    public struct Snapshot: Sendable {
        public var claimed = 0
        public var claimLatencySum = 0.0
        public var claimCount = 0
        public var outcomes: [String: Int] = [:]
        public var providerLatency = [Int](repeating: 0, count: EngineMetrics.buckets.count + 1)
        public var providerLatencySum = 0.0
        public var providerCalls = 0
        /// Messages sent per second of the last minute (monotonic seconds since the process began).
        var recentSends: [(second: Int64, count: Int)] = []
        /// Messages sent in the last minute.
        public var sentLastMinute: Int { recentSends.reduce(0) { $0 + $1.count } }
        public var heartbeat: ContinuousClock.Instant?
    }

    private let state = Mutex(Snapshot())

    public init() {}

    func claimed(_ rows: Int, latency: Duration) {
        state.withLock {
            $0.claimed += rows
            $0.claimLatencySum += latency.seconds
            $0.claimCount += 1
        }
    }

    func recorded(_ counts: SendCounts, channel: Channel) {
        let second = Self.second()
        state.withLock { state in
            for (outcome, count) in [
                ("sent", counts.sent), ("failed", counts.failed), ("retrying", counts.retrying),
                ("skipped", counts.skipped), ("held", counts.held),
            ] where count > 0 {
                state.outcomes["\(channel.rawValue)/\(outcome)", default: 0] += count
            }
            if counts.sent > 0 {
                if state.recentSends.last?.second == second {
                    state.recentSends[state.recentSends.count - 1].count += counts.sent
                } else {
                    state.recentSends.append((second, counts.sent))
                }
            }
            state.recentSends.removeAll { $0.second <= second - 60 }
        }
    }

    func providerCall(_ latency: Duration) {
        let seconds = latency.seconds
        let bucket = Self.buckets.firstIndex { seconds <= $0 } ?? Self.buckets.count
        state.withLock {
            $0.providerLatency[bucket] += 1
            $0.providerLatencySum += seconds
            $0.providerCalls += 1
        }
    }

    /// The worker calls this every round.
    public func beat() { state.withLock { $0.heartbeat = ContinuousClock.now } }

    public func snapshot() -> Snapshot {
        let second = Self.second()
        return state.withLock { state in
            state.recentSends.removeAll { $0.second <= second - 60 }
            return state
        }
    }

    private static let origin = ContinuousClock.now

    private static func second() -> Int64 { (ContinuousClock.now - origin).components.seconds }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
