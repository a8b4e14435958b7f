import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Server
import Synchronization
import Testing

/// `BKNTC_HTTP_IDLE_TIMEOUT` (DESIGN §13): a connection that sends nothing for that long, or
/// whose request head or body is not complete within that time, is closed; so is one whose
/// answer makes no progress because the client does not read it. Slow clients cannot pin the
/// server's connections, tasks and memory. Here the timeout is 1 s.
@Suite("Idle and slow connections over HTTP", .serialized)
struct IdleTimeoutTests {
    static let timeout = TimeAmount.seconds(1)

    /// A server with a ping, a body echo and a 64 MiB streamed answer that records whether it was cut off.
    static func withServer(_ body: @escaping @Sendable (Int, Recorded) async throws -> Void) async throws {
        let outcome = Recorded()
        let router = Router()
        router.get("/ping") { _, _ in "pong" }
        router.post("/echo") { request, _ in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            return "\(bytes.readableBytes) bytes"
        }
        router.get("/big") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    outcome.set(.streaming)
                    let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
                    do {
                        for _ in 0..<1024 { try await writer.write(chunk) }
                        try await writer.finish(nil)
                        outcome.set(.finished)
                    } catch {
                        outcome.set(.cutOff)
                        throw error
                    }
                })
        }
        let app = Application(
            router: router, server: .closingHTTP1(configuration: .init(idleTimeout: timeout)),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(try #require(client.port), outcome) }
    }

    /// Sends `pieces` one at a time while `body` runs, then stops sending and closes the
    /// connection (in that order, so no write can reach a reused descriptor).
    static func trickling<T: Sendable>(
        _ pieces: [String], every pause: Duration, on connection: RawConnection, _ body: () async -> T
    ) async -> T {
        let trickle = Task.detached {
            for piece in pieces where !Task.isCancelled {
                guard connection.send(piece) else { return }
                try? await Task.sleep(for: pause)
            }
        }
        let result = await body()
        trickle.cancel()
        await trickle.value
        connection.close()
        return result
    }

    enum StreamOutcome: Sendable { case notStarted, streaming, finished, cutOff }

    /// What became of the streamed answer.
    final class Recorded: Sendable {
        private let outcome = Mutex(StreamOutcome.notStarted)
        var value: StreamOutcome { outcome.withLock { $0 } }
        func set(_ value: StreamOutcome) { outcome.withLock { $0 = value } }
    }

    @Test func aConnectionThatSendsNothingIsClosed() async throws {
        try await Self.withServer { port, _ in
            let connection = try RawConnection(port: port, timeoutSeconds: 1)
            defer { connection.close() }
            let closed = try #require(await connection.waitUntilClosed(within: .seconds(5)), "still open after 5 s")
            #expect(closed.after >= .milliseconds(900) && closed.after < .seconds(3), "closed after \(closed.after)")
        }
    }

    @Test func halfARequestHeadIsClosedAfterTheTimeout() async throws {
        try await Self.withServer { port, _ in
            let connection = try RawConnection(port: port, timeoutSeconds: 1)
            // One header line every 300 ms: bytes keep coming, but the head is never complete.
            let lines = ["GET /ping HTTP/1.1\r\n", "Host: 127.0.0.1\r\n"] + (0..<30).map { "X-Slow-\($0): 1\r\n" }
            let outcome = await Self.trickling(lines, every: .milliseconds(300), on: connection) {
                await connection.waitUntilClosed(within: .seconds(6))
            }
            let closed = try #require(outcome, "still open after 6 s")
            #expect(closed.after < .seconds(3), "closed after \(closed.after)")
            #expect(closed.received.isEmpty || String(decoding: closed.received, as: UTF8.self).hasPrefix("HTTP/1.1 4"))
        }
    }

    @Test func aTrickledBodyIsClosedAfterTheTimeout() async throws {
        try await Self.withServer { port, _ in
            let connection = try RawConnection(port: port, timeoutSeconds: 1)
            try connection.write("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n")
            // A byte every 200 ms: the connection is never idle, but the body takes 20 s.
            let outcome = await Self.trickling(Array(repeating: "x", count: 100), every: .milliseconds(200), on: connection) {
                await connection.waitUntilClosed(within: .seconds(6))
            }
            let closed = try #require(outcome, "still open after 6 s")
            #expect(closed.after < .seconds(3), "closed after \(closed.after)")
        }
    }

    @Test func anAnswerTheClientDoesNotReadIsCutOff() async throws {
        try await Self.withServer { port, outcome in
            let connection = try RawConnection(port: port, timeoutSeconds: 1, receiveBufferBytes: 4096)
            defer { connection.close() }
            try connection.write("GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            // Not reading: the server's writes stall once the buffers are full.
            try await Task.sleep(for: .seconds(3))
            // The answer's writer either failed when the connection was cut, or had all its bytes
            // taken into the channel's buffer first (NIO does not always push back on a writer in
            // time); either way the client never gets the whole answer, checked below.
            #expect([.cutOff, .finished].contains(outcome.value), "the answer did not stop streaming: \(outcome.value)")
            // What was sent before the cut ends the connection early, without the last chunk.
            let closed = try #require(await connection.waitUntilClosed(within: .seconds(10)), "still open")
            let text = String(decoding: closed.received.prefix(64), as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200"))
            #expect(closed.received.count < 64 << 20)
            #expect(!closed.received.suffix(5).elementsEqual(Array("0\r\n\r\n".utf8)))
        }
    }

    @Test func aClientThatReadsGetsEverything() async throws {
        try await Self.withServer { port, outcome in
            let connection = try RawConnection(port: port, timeoutSeconds: 1)
            defer { connection.close() }
            try connection.write("GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            let closed = try #require(await connection.waitUntilClosed(within: .seconds(60)))
            #expect(outcome.value == .finished)
            #expect(closed.received.count > 64 << 20)
            // A kept-alive connection between requests is not closed early either.
            let kept = try RawConnection(port: port, timeoutSeconds: 1)
            defer { kept.close() }
            try kept.write("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            try await Task.sleep(for: .milliseconds(500))
            try kept.write("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let (answers, _) = try await kept.readUntilClosedOrIdle()
            #expect(answers.components(separatedBy: "pong").count == 3, "\(answers)")
        }
    }
}
