import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Testing

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
