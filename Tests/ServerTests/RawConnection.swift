import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking loopback socket that reads until the peer closes or stays silent for the timeout.
/// Tests use it to be a client no HTTP library would be: one that stops half-way through a
/// request, trickles its body, or never reads the answer.
final class RawConnection: @unchecked Sendable {
    private let socket: Int32

    /// `receiveBufferBytes` shrinks the socket's receive buffer (before connecting, so the
    /// window the server sees is small too): a client that does not read then stalls the
    /// server's writes after a few kilobytes instead of megabytes.
    init(port: Int, timeoutSeconds: Int, receiveBufferBytes: Int32? = nil) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if var bytes = receiveBufferBytes {
            setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &bytes, socklen_t(MemoryLayout<Int32>.size))
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func write(_ text: String) throws {
        guard send(text) else { throw POSIXError(.EIO) }
    }

    /// Writes `text`; false once the peer has closed (no SIGPIPE).
    func send(_ text: String) -> Bool {
        let sent = text.withCString { Glibc.send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        return sent == text.utf8.count
    }

    /// What arrived, and whether the peer closed (rather than went quiet). The blocking reads run
    /// on a thread of their own: on the cooperative pool they would starve the server under test.
    func readUntilClosedOrIdle() async throws -> (String, Bool) {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try self.readBlocking() }) }.start()
        }
    }

    /// Reads (and keeps) everything until the peer closes or resets the connection; nil when it is
    /// still open after `limit`.
    func waitUntilClosed(within limit: Duration) async -> (received: [UInt8], after: Duration)? {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.readUntilClosed(within: limit)) }.start()
        }
    }

    private func readUntilClosed(within limit: Duration) -> (received: [UInt8], after: Duration)? {
        let started = ContinuousClock.now
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while ContinuousClock.now - started < limit {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                return (received, ContinuousClock.now - started)
            }
        }
        return nil
    }

    private func readBlocking() throws -> (String, Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count == 0 { return (String(decoding: received, as: UTF8.self), true) }
            if count < 0 {
                guard errno == EAGAIN || errno == EWOULDBLOCK else { throw POSIXError(.EIO) }
                return (String(decoding: received, as: UTF8.self), false)
            }
            received += buffer[0..<count]
        }
    }

    func close() { Glibc.close(socket) }
}
