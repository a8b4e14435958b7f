import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import TestSupport
import Testing

/// The CSV export streams: bytes reach the client while the repository is still producing rows.
@Suite("CSV streaming over HTTP")
struct CSVStreamingTests {
    @Test func theFirstBytesArriveBeforeTheLastBatchIsRead() async throws {
        let gate = AsyncGate()
        let clock = ManualClock(Date())
        let recipients = (1...3500).map {
            Recipient(customerID: $0, address: "p\($0)@example.com", firstName: "P\($0)", lastName: nil)
        }
        let campaigns = InMemoryCampaignRepository(clock: clock, recipients: recipients) { batch in
            if batch == 1 { await gate.wait() }  // hold everything after the first batch
        }
        let deps = RouterTests.dependencies(clock: clock, campaigns: campaigns)
        let app = Application(router: buildRouter(deps).router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let created = try await RouterTests.call(
                client, .post, "/api/v1/campaigns",
                body: #"{"channel":"email","name":"Big","subject":"S","segment":{"type":"all_customers"},"body":"B"}"#,
                clock: clock)
            let id = try #require(created.json?["id"]?.integerValue)
            #expect(try await RouterTests.call(client, .post, "/api/v1/campaigns/\(id)/send", clock: clock).status == 200)
            let port = try #require(client.port)
            let path = "/api/v1/campaigns/\(id)/logs.csv?limit=all"
            let headers = APIFixture.signed(.get, path, tenant: nil, user: RouterTests.admin, timestamp: Int(clock.now().timeIntervalSince1970))
            let reader = try RawHTTPReader(port: port, path: path, headers: headers)
            // The status line, the header and the first 1,000 rows arrive while the stream is held.
            let early = try await reader.read(until: "p1000@example.com")
            #expect(early.hasPrefix("HTTP/1.1 200"))
            #expect(!early.contains("p1001@example.com"))
            await gate.open()
            let rest = try await reader.readToEnd()
            #expect(rest.contains("p3500@example.com"))
            reader.close()
        }
    }
}

/// A one-shot gate: `wait` suspends until `open`.
actor AsyncGate {
    private var opened = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if opened { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        opened = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }
}

/// A blocking HTTP/1.1 client on a plain socket, so a test can read a response as it streams.
final class RawHTTPReader: @unchecked Sendable {
    private let socket: Int32
    private var received = ""
    /// What has arrived so far.
    var text: String { received }

    init(port: Int, path: String, headers: HTTPFields) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for field in headers { request += "\(field.name.rawName): \(field.value)\r\n" }
        request += "\r\n"
        _ = request.withCString { send(socket, $0, strlen($0), 0) }
    }

    /// Reads until `marker` has been received (or the peer closes / 10 s pass).
    func read(until marker: String) async throws -> String {
        try await blocking { [self] in
            while !received.contains(marker), try readChunk() {}
            return received
        }
    }

    /// Reads until `done` holds for what has arrived (or the peer closes / 10 s pass).
    func read(until done: @escaping @Sendable (String) -> Bool) async throws -> String {
        try await blocking { [self] in
            while !done(received), try readChunk() {}
            return received
        }
    }

    func readToEnd() async throws -> String {
        try await blocking { [self] in
            while try readChunk() {}
            return received
        }
    }

    /// Runs the blocking `recv` loop on a thread of its own: on the cooperative pool (two threads
    /// on a 2-core machine) two readers waiting at once would starve the server they read from.
    private func blocking(_ body: @escaping @Sendable () throws -> String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    private func readChunk() throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = recv(socket, &buffer, buffer.count, 0)
        if count < 0 { throw POSIXError(.ETIMEDOUT) }
        if count == 0 { return false }
        received += String(decoding: buffer[0..<count], as: UTF8.self)
        return true
    }

    func close() { Glibc.close(socket) }
}
