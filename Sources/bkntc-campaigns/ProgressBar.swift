import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-line progress bar on stderr:
/// `[############------------------]  45%  appointments 450000/1000000`.
///
/// Draws only when stderr is a terminal, at most ~10 times a second (the final 100 % always
/// shows); prints nothing otherwise, so logs and pipes stay clean. Safe to call from any thread,
/// e.g. from a `@Sendable` progress callback.
struct ProgressBar: Sendable {
    private let state: State

    init(label: String) {
        state = State(label: label, enabled: isatty(2) == 1)
    }

    /// Shows `done` of `total` under the current label.
    func update(done: Int, total: Int) { state.update(label: nil, done: done, total: total) }

    /// Shows `done` of `total` under a new label: the phase being worked on
    /// (`DemoDataProgress.phase`). A change of phase always redraws.
    func update(phase: String, done: Int, total: Int) { state.update(label: phase, done: done, total: total) }

    /// Draws the last state (if anything was drawn) and ends the line.
    func finish() { state.finish() }

    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private let enabled: Bool
        private var label: String
        private var done = 0
        private var total = 0
        private var lastDraw: ContinuousClock.Instant?
        private var drawn = false
        private var finished = false
        private static let width = 30
        private static let interval = Duration.milliseconds(100)

        init(label: String, enabled: Bool) {
            self.label = label
            self.enabled = enabled
        }

        func update(label newLabel: String?, done: Int, total: Int) {
            guard enabled else { return }
            lock.lock()
            defer { lock.unlock() }
            guard !finished else { return }
            var force = done >= total
            if let newLabel, newLabel != label {
                label = newLabel
                force = true
            }
            self.done = done
            self.total = total
            let now = ContinuousClock.now
            if !force, let last = lastDraw, now - last < Self.interval { return }
            lastDraw = now
            draw()
        }

        func finish() {
            guard enabled else { return }
            lock.lock()
            defer { lock.unlock() }
            guard !finished else { return }
            finished = true
            if drawn {
                draw()
                Self.write("\n")
            }
        }

        /// Called with the lock held.
        private func draw() {
            let fraction = total > 0 ? min(1, max(0, Double(done) / Double(total))) : 1
            let filled = Int((fraction * Double(Self.width)).rounded(.down))
            let percent = Int((fraction * 100).rounded(.down))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: Self.width - filled)
            let percentText = String(repeating: " ", count: 3 - min(3, String(percent).count)) + "\(percent)%"
            // \r to the start of the line, ESC[K clears what a longer previous label left behind.
            Self.write("\r[\(bar)] \(percentText)  \(label) \(done)/\(total)\u{1B}[K")
            drawn = true
        }

        private static func write(_ text: String) {
            var bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { buffer in
                    #if canImport(Glibc)
                        Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                    #elseif canImport(Musl)
                        Musl.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                    #else
                        Darwin.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                    #endif
                }
                if written <= 0 {
                    if written < 0, errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
