import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The service's HTTP server closes a connection the client asked not to keep, however the
/// client spells it: WordPress's fsockopen transport sends `Connection: Close` and HTTP/1.0 and
/// reads until the socket closes.
@Suite("Connection: close over HTTP")
struct ConnectionCloseTests {
    @Test(arguments: [
        ("HTTP/1.1", "Connection: Close\r\n", true),
        ("HTTP/1.1", "Connection: CLOSE\r\n", true),
        ("HTTP/1.1", "Connection: close\r\n", true),
        ("HTTP/1.0", "", true),
        ("HTTP/1.0", "Connection: Keep-Alive\r\n", false),
        ("HTTP/1.1", "", false),
    ])
    func theServerClosesExactlyWhenAsked(version: String, header: String, closes: Bool) async throws {
        let router = Router()
        router.get("/ping") { _, _ in "pong" }
        let app = Application(
            router: router, server: .closingHTTP1(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let connection = try RawConnection(port: port, timeoutSeconds: 2)
            defer { connection.close() }
            try connection.write("GET /ping \(version)\r\nHost: 127.0.0.1\r\n\(header)\r\n")
            let (first, closed) = try await connection.readUntilClosedOrIdle()
            #expect(first.hasPrefix("HTTP/1.1 200"))
            #expect(first.hasSuffix("pong"))
            #expect(closed == closes)
            if !closes {
                // A kept connection serves the next request too.
                try connection.write("GET /ping \(version)\r\nHost: 127.0.0.1\r\n\(header)\r\n")
                let (second, _) = try await connection.readUntilClosedOrIdle()
                #expect(second.hasPrefix("HTTP/1.1 200"))
            }
        }
    }
}

/// A blocking loopback socket that reads until the peer closes or stays silent for the timeout.
final class RawConnection: @unchecked Sendable {
    private let socket: Int32

    init(port: Int, timeoutSeconds: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func write(_ text: String) throws {
        let sent = text.withCString { send(socket, $0, strlen($0), 0) }
        guard sent == text.utf8.count else { throw POSIXError(.EIO) }
    }

    /// What arrived, and whether the peer closed (rather than went quiet). The blocking reads run
    /// on a thread of their own: on the cooperative pool they would starve the server under test.
    func readUntilClosedOrIdle() async throws -> (String, Bool) {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try self.readBlocking() }) }.start()
        }
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
