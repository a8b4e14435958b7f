import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

extension HTTPServerBuilder {
    /// HTTP/1.1 as Hummingbird serves it, except that
    ///
    /// - a request which asks not to be kept alive (`Connection: Close` in any letter case, or
    ///   HTTP/1.0 without `keep-alive`) gets its connection closed after the answer. Hummingbird
    ///   only closes for a lower-case `close`, and clients that read until the socket closes
    ///   (WordPress's fsockopen transport, PHP's `file_get_contents`) would otherwise wait for
    ///   their own timeout;
    /// - `configuration.idleTimeout` (`BKNTC_HTTP_IDLE_TIMEOUT`) also bounds how long a request's
    ///   head and body may take and how long an answer may stay unread
    ///   (`ConnectionDeadlineHandler`), where Hummingbird's only closes idle connections.
    public static func closingHTTP1(configuration: HTTP1Channel.Configuration = .init()) -> HTTPServerBuilder {
        var withoutIdleTimeout = configuration
        withoutIdleTimeout.idleTimeout = nil
        let inner = withoutIdleTimeout
        return .init { responder in
            ClosingHTTP1Channel(inner: HTTP1Channel(responder: responder, configuration: inner), idleTimeout: configuration.idleTimeout)
        }
    }
}

/// `HTTP1Channel` with `ConnectionCloseNormalizer` (and, with a timeout, `ConnectionDeadlineHandler`)
/// between NIO's HTTP/1 decoder and the conversion to HTTP types (where the request's version is
/// still known).
struct ClosingHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel
    let idleTimeout: TimeAmount?

    var responder: HTTPChannelHandler.Responder { inner.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(ConnectionCloseNormalizer(), position: .after(decoder))
            if let idleTimeout {
                try channel.pipeline.syncOperations.addHandler(
                    ConnectionDeadlineHandler(timeout: idleTimeout, logger: logger), position: .after(decoder))
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Rewrites the `Connection` header of a request that is not keep-alive by HTTP/1's rules to the
/// exact `close` Hummingbird's connection loop compares with.
final class ConnectionCloseNormalizer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive, head.headers["connection"] != ["close"] else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
