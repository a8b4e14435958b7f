import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// `bench-twilio-fake`: a Twilio-compatible Messages API for benchmarks, on loopback. Every
/// request is read in full and answered `201` with a Twilio message JSON after `--latency-ms`
/// (a timer on the event loop, never a blocking sleep); connections are kept alive. It checks
/// nothing, so the engine and `wrk` pay the same server cost. Runs until it is killed.
struct BenchTwilioFake: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-twilio-fake", abstract: "Serve a Twilio-compatible fake for benchmarks (answers every POST after a delay).")

    @Option(help: "Port on 127.0.0.1 (0 = a free one; the port is printed).")
    var port = 0
    @Option(help: "Delay before each answer, in milliseconds.")
    var latencyMs = 20
    @Option(help: "Event-loop threads.")
    var threads = 1

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let latency = TimeAmount.milliseconds(Int64(latencyMs))
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(BenchTwilioHandler(latency: latency))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        print("listening on 127.0.0.1:\(channel.localAddress?.port ?? 0)")
        fflush(nil)
        try await channel.closeFuture.get()
    }
}

/// Answers each request with a queued Twilio message after `latency`, in order per connection.
final class BenchTwilioHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let latency: TimeAmount
    private var keepAlive = true
    private var counter = 0

    init(latency: TimeAmount) { self.latency = latency }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            counter += 1
            let hex = String(counter, radix: 16)
            let sid = "SM" + String(repeating: "0", count: max(0, 32 - hex.count)) + hex
            let body = #"{"sid":"\#(sid)","status":"queued","error_code":null,"error_message":null}"#
            let keepAlive = self.keepAlive
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: latency) {
                let context = loopBound.value
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(body.utf8.count))
                if !keepAlive { headers.add(name: "Connection", value: "close") }
                let head = HTTPResponseHead(version: .http1_1, status: .created, headers: headers)
                context.write(self.wrapOutboundOut(.head(head)), promise: nil)
                context.write(self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
                let done = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
                if !keepAlive { done.whenComplete { _ in loopBound.value.close(promise: nil) } }
            }
        }
    }
}
