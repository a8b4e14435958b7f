import Campaigns
import Foundation
import Synchronization

/// A provider double: records every message, answers by a script, can be slow or hang.
public final class FakeSender: MessageSender {
    public struct Sent: Sendable, Hashable {
        public let campaignID: Int
        public let to: String
        public let body: String
    }

    private let state = Mutex<(sent: [Sent], failures: [String: [SendOutcome]], delay: Duration, lookups: [String: String])>(
        ([], [:], .zero, [:]))

    public init() {}

    public var sent: [Sent] { state.withLock { $0.sent } }

    /// Answers for `address`, one per call, before it succeeds.
    public func script(_ address: String, _ outcomes: [SendOutcome]) { state.withLock { $0.failures[address] = outcomes } }

    public func setDelay(_ delay: Duration) { state.withLock { $0.delay = delay } }

    /// Pretends the provider already has a message to `address` (for lookups).
    public func remember(_ address: String, id: String) { state.withLock { $0.lookups[address] = id } }

    public func send(_ message: OutgoingMessage) async -> SendOutcome {
        let delay = state.withLock { $0.delay }
        if delay > .zero { try? await Task.sleep(for: delay) }
        return state.withLock { state in
            if var script = state.failures[message.to], !script.isEmpty {
                let outcome = script.removeFirst()
                state.failures[message.to] = script
                return outcome
            }
            state.sent.append(Sent(campaignID: message.campaignID, to: message.to, body: message.body))
            let id = "SM\(state.sent.count)"
            state.lookups[message.to] = id
            return .sent(providerID: id)
        }
    }

    public func lookup(_ message: OutgoingMessage) async -> LookupOutcome {
        state.withLock { $0.lookups[message.to] }.map { .found(providerID: $0) } ?? .notFound
    }
}
