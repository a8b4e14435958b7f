import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// What the benchmark's event-stream clients saw, per client: progress events, `done`, and
/// whether the connection closed after it.
final class SSETally: Sendable {
    private struct Client {
        var progress = 0
        var done = false
        var closedAfterDone = false
        var refused: String?
    }

    private let clients: Mutex<[Client]>

    init(count: Int) {
        clients = Mutex(Array(repeating: Client(), count: count))
    }

    func progress(_ index: Int) { clients.withLock { $0[index].progress += 1 } }
    func done(_ index: Int) { clients.withLock { $0[index].done = true } }
    func refused(_ index: Int, status: String) { clients.withLock { $0[index].refused = status } }
    func closed(_ index: Int) { clients.withLock { $0[index].closedAfterDone = $0[index].done } }

    /// Whether client `index` got its first progress event or a refusal.
    func answered(_ index: Int) -> Bool { clients.withLock { $0[index].progress > 0 || $0[index].refused != nil } }
    /// Clients that got at least their first progress event.
    var firstEvents: Int { clients.withLock { $0.filter { $0.progress > 0 }.count } }
    /// Clients answered with anything but 200, by status line.
    var refused: [String: Int] {
        clients.withLock { clients in clients.compactMap(\.refused).reduce(into: [:]) { $0[$1, default: 0] += 1 } }
    }
    /// Clients that got `done`.
    var done: Int { clients.withLock { $0.filter(\.done).count } }
    /// Clients whose stream sent `done` and then closed.
    var closedWithDone: Int { clients.withLock { $0.filter(\.closedAfterDone).count } }
    /// Progress events received by every client together.
    var progressEvents: Int { clients.withLock { $0.reduce(0) { $0 + $1.progress } } }
}

/// Reads one event stream's bytes line by line and counts its events in the tally (the chunked
/// framing's size lines are lines of their own and match nothing).
final class SSEClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let index: Int
    private let tally: SSETally
    private var pending: [UInt8] = []
    private var sawStatus = false

    init(index: Int, tally: SSETally) {
        self.index = index
        self.tally = tally
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        pending.append(contentsOf: buffer.readableBytesView)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = String(decoding: pending[..<newline], as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            pending.removeSubrange(...newline)
            if !sawStatus {
                sawStatus = true
                if !line.hasPrefix("HTTP/1.1 200") { tally.refused(index, status: line) }
            } else if line == "event: progress" {
                tally.progress(index)
            } else if line == "event: done" {
                tally.done(index)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        tally.closed(index)
        context.fireChannelInactive()
    }
}

/// A raw HTTP/1.1 client for event streams over loopback, and the process's memory figures.
enum SSEClient {
    /// Opens `GET path` with `headers` and counts what comes back in `tally` under `index`;
    /// `Connection: close` makes the server close the connection when the stream ends.
    static func open(port: Int, path: String, headers: [(String, String)], index: Int, tally: SSETally) async throws -> any Channel {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SSEClientHandler(index: index, tally: tally))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        try await channel.writeAndFlush(ByteBuffer(string: request)).get()
        return channel
    }

    /// Waits until something accepts connections on `port` (the in-process server started).
    static func waitForListener(port: Int) async throws {
        let started = ContinuousClock.now
        while true {
            do {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: port).get()
                try await channel.close().get()
                return
            } catch {
                if ContinuousClock.now - started > .seconds(20) { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// `VmRSS` of this process in KiB (0 where /proc is absent).
    static func residentKiB() -> Int { status("VmRSS") }
    /// `VmHWM` (peak resident) of this process in KiB.
    static func peakKiB() -> Int { status("VmHWM") }

    private static func status(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
        return line.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    }
}
