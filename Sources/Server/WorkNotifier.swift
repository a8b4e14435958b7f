import Engine

/// Tells the sending worker that there is work now (a campaign was sent or resumed, a manual
/// send queued, settings changed), so it looks at once instead of at its next poll.
public protocol WorkNotifier: Sendable {
    func workArrived()
}

/// No worker to tell (router tests; a replica that serves the API only).
public struct NoWorkNotifier: WorkNotifier {
    public init() {}
    public func workArrived() {}
}

/// Wakes the worker of this process.
public struct WorkerWakeNotifier: WorkNotifier {
    let wake: WakeSignal

    public init(wake: WakeSignal) {
        self.wake = wake
    }

    public func workArrived() {
        wake.signal()
    }
}
