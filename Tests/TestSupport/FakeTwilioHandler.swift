import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Lets the server channel be kept in a Sendable class.
final class NIOLockedChannel: Sendable {
    let value: any Channel
    init(_ value: any Channel) { self.value = value }
}

/// One HTTP/1.1 exchange at a time per connection.
final class FakeTwilioHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let fake: @Sendable () -> FakeTwilio?
    var head: HTTPRequestHead?
    var body = ByteBuffer()

    init(fake: @escaping @Sendable () -> FakeTwilio?) { self.fake = fake }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head, let fake = fake() else { return }
            let text = body.readString(length: body.readableBytes) ?? ""
            let answer = fake.answer(method: head.method, uri: head.uri, headers: head.headers, body: text)
            guard let json = answer.body else {
                context.close(promise: nil)
                return
            }
            var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(json.utf8.count))])
            for (name, value) in answer.headers { headers.add(name: name, value: value) }
            let response = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: answer.status), headers: headers)
            let loop = context.eventLoop
            let send = {
                context.write(self.wrapOutboundOut(.head(response)), promise: nil)
                context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: json)))), promise: nil)
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
            if answer.delay > 0 {
                loop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(answer.delay * 1000))) { send() }
            } else {
                send()
            }
        }
    }
}
