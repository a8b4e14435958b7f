import CCurlShim
import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// Runs blocking libcurl transfers on its own threads (never on an event loop) and keeps idle
/// handles per server, so consecutive calls reuse their connections.
public final class CurlTransport: Sendable {
    let policy: TransportPolicy
    private let threads: NIOThreadPool
    private let idle = NIOLockedValueBox<[String: [HandleBox]]>([:])
    private let maxIdlePerKey: Int

    /// `threads`: how many transfers may block at once (the engine's send concurrency).
    public init(policy: TransportPolicy, threads: Int) {
        self.policy = policy
        self.threads = NIOThreadPool(numberOfThreads: max(1, threads))
        self.maxIdlePerKey = max(1, threads)
        self.threads.start()
    }

    /// Stops the threads after the transfers in flight (each bounded by the timeout).
    public func shutdown() async {
        try? await threads.shutdownGracefully()
        idle.withLockedValue { $0.removeAll() }
    }

    /// Runs `configure` and the transfer on a handle kept for `key` (a server), on a blocking thread.
    func perform(key: String, upload: [UInt8]? = nil, configure: @escaping @Sendable (CurlHandle) -> Void) async -> CurlResult {
        let cap = policy.maxResponseBytes
        let box = idle.withLockedValue { $0[key]?.popLast() } ?? HandleBox()
        do {
            let result = try await threads.runIfActive { () -> CurlResult in
                guard let handle = box.handle else {
                    return CurlResult(
                        code: CURLE_FAILED_INIT, responseCode: 0, headerLines: [], body: [], requestStarted: false, overflowed: false,
                        errorText: "libcurl could not be initialized")
                }
                handle.reset()
                configure(handle)
                let buffers = TransferBuffers(cap: cap)
                if let upload { buffers.upload = upload }
                return handle.perform(buffers, upload: upload != nil)
            }
            if result.code == CURLE_OK || result.responseCode > 0 {
                idle.withLockedValue { pool in
                    if pool[key, default: []].count < maxIdlePerKey { pool[key, default: []].append(box) }
                }
            }
            return result
        } catch {
            return CurlResult(
                code: CURLE_ABORTED_BY_CALLBACK, responseCode: 0, headerLines: [], body: [], requestStarted: false, overflowed: false,
                errorText: "the transport is shutting down")
        }
    }
}

/// A handle moved between the pool and one blocking thread at a time.
final class HandleBox: @unchecked Sendable {
    let handle: CurlHandle? = CurlHandle()
}
