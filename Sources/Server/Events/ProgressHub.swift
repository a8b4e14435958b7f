import Campaigns
import Foundation

/// What a poller hands its subscribers after each read.
public enum ProgressUpdate: Sendable, Equatable {
    /// The progress as just read.
    case frame(ProgressFrame)
    /// The read failed for a passing reason (database busy or down): nothing new, the stream
    /// stays open and keeps its keep-alives.
    case unavailable
}

/// Shares progress reads among the event streams of one process (DESIGN §17): one poller per
/// watched object reads its progress once per interval and hands the reading to every
/// subscriber, so N subscribers of one campaign cost one database read per interval, and the
/// poller stops when its last subscriber leaves.
///
/// The interval is `activeInterval` (250 ms) while the last reading said messages are going
/// out (queued or sending, on whichever replica), and `idleInterval` (1 s) otherwise (draft,
/// scheduled, paused): a replica that does not send still reads at least once a second, and
/// a campaign that does not move costs a read a second. A topic names its kind, so another
/// source (a broadcast's summed progress) plugs in with its own reader and no change here.
public actor ProgressHub {
    /// What is watched: a kind (`campaign`, `broadcast`), the tenant and the id.
    public struct Topic: Hashable, Sendable {
        public let kind: String
        public let scope: TenantScope
        public let id: Int

        public init(kind: String, scope: TenantScope, id: Int) {
            self.kind = kind
            self.scope = scope
            self.id = id
        }
    }

    /// Reads one topic's progress (with the tenant's scope; subscribers check their own access).
    public typealias Reader = @Sendable () async throws -> ProgressFrame

    private struct Poller {
        let generation: Int
        var task: Task<Void, Never>?
        var subscribers: [Int: AsyncStream<ProgressUpdate>.Continuation] = [:]
    }

    public let activeInterval: Duration
    public let idleInterval: Duration
    private var pollers: [Topic: Poller] = [:]
    private var nextID = 0
    private var readCounts: [Topic: Int] = [:]

    public init(activeInterval: Duration = .milliseconds(250), idleInterval: Duration = .seconds(1)) {
        self.activeInterval = activeInterval
        self.idleInterval = idleInterval
    }

    /// Subscribes to `topic`: the stream yields every reading of its poller (started now with
    /// `read` when none runs) until the caller stops iterating or the hub closes it.
    public func subscribe(_ topic: Topic, read: @escaping Reader) -> AsyncStream<ProgressUpdate> {
        nextID += 1
        let id = nextID
        let (stream, continuation) = AsyncStream.makeStream(of: ProgressUpdate.self, bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            Task { await self.leave(topic, id) }
        }
        if pollers[topic] == nil {
            var poller = Poller(generation: id)
            poller.task = Task { [weak self] in await self?.poll(topic, generation: id, read: read) }
            pollers[topic] = poller
        }
        pollers[topic]?.subscribers[id] = continuation
        return stream
    }

    /// Topics with a poller, and their subscribers (for tests and metrics).
    public func subscriberCounts() -> [Topic: Int] { pollers.mapValues(\.subscribers.count) }

    /// How many reads each topic's pollers made since the hub started.
    public func reads(of topic: Topic) -> Int { readCounts[topic] ?? 0 }

    /// Ends every stream (graceful shutdown): the streams send nothing more and close.
    public func closeAll() {
        for (_, poller) in pollers {
            poller.task?.cancel()
            for continuation in poller.subscribers.values { continuation.finish() }
        }
        pollers.removeAll()
    }

    private func leave(_ topic: Topic, _ id: Int) {
        guard pollers[topic]?.subscribers.removeValue(forKey: id) != nil else { return }
        if pollers[topic]?.subscribers.isEmpty == true {
            pollers[topic]?.task?.cancel()
            pollers[topic] = nil
        }
    }

    /// Hands `update` to the topic's subscribers; false when the poller should stop.
    private func deliver(_ topic: Topic, generation: Int, _ update: ProgressUpdate) -> Bool {
        guard let poller = pollers[topic], poller.generation == generation else { return false }
        for continuation in poller.subscribers.values { continuation.yield(update) }
        return true
    }

    /// Ends the topic's streams (the object is gone or no longer readable).
    private func finish(_ topic: Topic, generation: Int) {
        guard let poller = pollers[topic], poller.generation == generation else { return }
        for continuation in poller.subscribers.values { continuation.finish() }
        pollers[topic] = nil
    }

    private func counted(_ topic: Topic) { readCounts[topic, default: 0] += 1 }

    private func poll(_ topic: Topic, generation: Int, read: Reader) async {
        // The first read comes soon: the subscriber has just read once itself.
        var interval = activeInterval
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            counted(topic)
            let update: ProgressUpdate
            do {
                let frame = try await read()
                interval = frame.active ? activeInterval : idleInterval
                update = .frame(frame)
            } catch let error as DomainError where error.endsStream {
                finish(topic, generation: generation)
                return
            } catch {
                update = .unavailable
            }
            guard deliver(topic, generation: generation, update) else { return }
        }
    }
}

extension DomainError {
    /// The object is gone or no longer readable: its streams end.
    var endsStream: Bool {
        switch self {
        case .notFound, .forbidden: true
        default: false
        }
    }
}
