import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// A `text/event-stream` answer of progress events (DESIGN §17): `progress` at once, again when
/// the ``ProgressEventPolicy`` says it moved enough, a `: keep-alive` comment when nothing was
/// written for `keepAlive`, and `done` with the final progress when the object has ended, after
/// which the stream closes. Every event carries `id:` (1, 2, 3, … per stream).
///
/// The stream holds no database connection: it waits on the ``ProgressHub``'s shared poller,
/// whose reads each take their own short lease (DESIGN §13). Keep-alives are written as the
/// poller's readings arrive (at least once a second), so a reader that reads keeps its
/// connection (`ConnectionDeadlineHandler` restarts its clock with every write) and a client
/// that left is noticed at the next write (at most `keepAlive` later), which ends the
/// subscription. Graceful shutdown ends the stream at once (the chunked body is finished).
struct EventStream: Sendable {
    let hub: ProgressHub
    let topic: ProgressHub.Topic
    let read: ProgressHub.Reader
    /// Whether the subscriber may still read a frame (its access on the frame's channels).
    let permits: @Sendable (ProgressFrame) -> Bool
    var policy = ProgressEventPolicy()
    var keepAlive: Duration = .seconds(15)

    /// The answer: headers now, events as they come.
    func response(first: ProgressFrame) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        let stream = self
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                var events = EventCounter()
                try await stream.run(first: first, events: &events) { try await writer.write($0) }
                try await writer.finish(nil)
            })
    }

    /// Writes the events until the object ends, the subscription ends or shutdown begins.
    func run(first: ProgressFrame, events: inout EventCounter, write: (ByteBuffer) async throws -> Void) async throws {
        let clock = ContinuousClock()
        try await write(events.next("progress", first.data))
        if first.ended {
            try await write(events.next("done", first.data))
            return
        }
        var last = first
        var lastEvent = clock.now
        var lastWrite = clock.now
        let updates = await hub.subscribe(topic, read: read)
        for await update in updates.cancelOnGracefulShutdown() {
            if case .frame(let frame) = update {
                guard permits(frame) else { return }
                if frame.ended {
                    try await write(events.next("done", frame.data))
                    return
                }
                if policy.shouldSend(frame, after: last, elapsed: clock.now - lastEvent) {
                    try await write(events.next("progress", frame.data))
                    last = frame
                    lastEvent = clock.now
                    lastWrite = lastEvent
                    continue
                }
            }
            if clock.now - lastWrite >= keepAlive {
                try await write(ByteBuffer(string: ": keep-alive\n\n"))
                lastWrite = clock.now
            }
        }
    }
}

/// Frames events and numbers them (`id:` counts up from 1 on each stream).
struct EventCounter {
    private(set) var last = 0

    mutating func next(_ name: String, _ data: String) -> ByteBuffer {
        last += 1
        return ByteBuffer(string: "event: \(name)\nid: \(last)\ndata: \(data)\n\n")
    }
}
