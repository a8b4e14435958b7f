import Logging
import NIOCore
import NIOHTTP1

/// Closes a connection that holds the server without making progress (DESIGN §13,
/// `BKNTC_HTTP_IDLE_TIMEOUT`):
///
/// - waiting for a request: no complete request head within the timeout (nothing sent, or a
///   head sent a line at a time);
/// - reading a request: its body not complete within the timeout of its head (a trickle keeps
///   the connection busy but never ends the request);
/// - answering: the answer makes no progress for the timeout (the channel is unwritable and
///   not a byte of it reaches the socket, because the client does not read). A client that reads,
///   however slowly, keeps its connection: every write that completes restarts the clock.
///
/// Hummingbird's own idle timeout only covers the first case: its clock restarts with every
/// body part, and it never closes while an answer is being written.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the connection is doing, judged by the HTTP parts that passed.
    enum Phase: Equatable {
        case waitingForRequest
        case readingRequest
        case answering
    }

    /// Why a connection was closed.
    enum Reason: String {
        case requestNotComplete = "no complete request within the idle timeout"
        case answerNotRead = "the answer was not read for the idle timeout"
    }

    private let timeout: TimeAmount
    private let logger: Logger
    private var requestsStarted = 0
    private var requestsRead = 0
    private var answersWritten = 0
    private var phase = Phase.waitingForRequest
    private var requestDeadline: Scheduled<Void>?
    private var stallDeadline: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armRequestDeadline(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadlines()
    }

    func channelActive(context: ChannelHandlerContext) {
        if requestDeadline == nil { armRequestDeadline(context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadlines()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: requestsStarted += 1
        case .body: break
        case .end: requestsRead += 1
        }
        update(context)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            answersWritten += 1
            update(context)
        }
        // A write that reaches the socket is progress: a stalled answer's clock starts again.
        let written = promise ?? context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenSuccess { [self] in
            guard stallDeadline != nil else { return }
            stallDeadline?.cancel()
            stallDeadline = schedule(context, .answerNotRead)
        }
        context.write(data, promise: written)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stallDeadline?.cancel()
            stallDeadline = nil
        } else if stallDeadline == nil {
            stallDeadline = schedule(context, .answerNotRead)
        }
        context.fireChannelWritabilityChanged()
    }

    /// Moves to the phase the counts say and (re)arms the request deadline when one starts:
    /// a new request head gets the timeout for its body, a finished answer for the next head.
    private func update(_ context: ChannelHandlerContext) {
        let next: Phase =
            if requestsStarted > requestsRead {
                .readingRequest
            } else if answersWritten < requestsRead {
                .answering
            } else {
                .waitingForRequest
            }
        defer { phase = next }
        guard next != phase else { return }
        switch next {
        case .readingRequest, .waitingForRequest: armRequestDeadline(context)
        case .answering:
            requestDeadline?.cancel()
            requestDeadline = nil
        }
    }

    private func armRequestDeadline(_ context: ChannelHandlerContext) {
        requestDeadline?.cancel()
        requestDeadline = schedule(context, .requestNotComplete)
    }

    private func schedule(_ context: ChannelHandlerContext, _ reason: Reason) -> Scheduled<Void> {
        let loop = context.eventLoop.assumeIsolated()
        return loop.scheduleTask(in: timeout) { [logger] in
            logger.debug("closing the connection", metadata: ["reason": "\(reason.rawValue)"])
            context.close(promise: nil)
        }
    }

    private func cancelDeadlines() {
        requestDeadline?.cancel()
        requestDeadline = nil
        stallDeadline?.cancel()
        stallDeadline = nil
    }
}

@available(*, unavailable)
extension ConnectionDeadlineHandler: Sendable {}
