import Campaigns
import Synchronization

/// The provider calls a worker batch left running when the rest of it was done: one slow call
/// (a timeout, then a lookup) would otherwise hold up the batch's recording and the lane's next
/// claim. Each handed-off group is awaited by its own task, which then records the outcomes on
/// a connection it leases only after the calls ended (never two leases at once), under the
/// batch's claim token, so a row taken over by recovery meanwhile is left alone.
/// The worker drains them at shutdown.
public final class Stragglers: Sendable {
    /// Where the late outcomes are recorded.
    let stores: any EngineStoreProvider
    /// After this long without an answer, once every call of the batch has started, the calls
    /// still running are handed off.
    let patience: Duration
    private let tasks = Mutex<[Int: Task<Void, Never>]>([:])
    private let nextID = Atomic<Int>(0)

    public init(stores: any EngineStoreProvider, patience: Duration) {
        self.stores = stores
        self.patience = patience
    }

    /// Groups still waiting for their calls or their recording.
    public var count: Int { tasks.withLock { $0.count } }

    /// Runs `work` on its own task, tracked until it ends.
    func adopt(_ work: @escaping @Sendable () async -> Void) {
        let id = nextID.add(1, ordering: .relaxed).newValue
        tasks.withLock { tasks in
            tasks[id] = Task { [weak self] in
                await work()
                _ = self?.tasks.withLock { $0.removeValue(forKey: id) }
            }
        }
    }

    /// Waits until every adopted group has been recorded (each is bounded by the provider
    /// timeout, a lookup and the pool's acquire timeout).
    public func drain() async {
        // A task removes itself before it ends, so awaiting every one empties the table; groups
        // adopted meanwhile are picked up by the next pass.
        while case let running = tasks.withLock({ Array($0.values) }), !running.isEmpty {
            for task in running { await task.value }
        }
    }
}
