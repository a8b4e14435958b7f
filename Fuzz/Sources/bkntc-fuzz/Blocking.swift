import Foundation

/// Runs an async operation to completion from libFuzzer's synchronous callback.
enum Blocking {
    /// The result of `operation`, waited for on the calling thread.
    static func run<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value) -> Result<Value, any Error> {
        let box = ResultBox<Value>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await operation()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return box.result!
    }
}

/// Carries a result from the task to the waiting thread; the semaphore orders the accesses.
private final class ResultBox<Value: Sendable>: @unchecked Sendable {
    var result: Result<Value, any Error>?
}
