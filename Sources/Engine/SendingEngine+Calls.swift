import Campaigns
import Foundation
import Logging
import Synchronization

/// Running a batch's provider calls: at the reserved slots, within the engine's concurrency.
extension SendingEngine {
    /// Sends rows with at most `concurrency` calls in flight across the engine, at the sender's
    /// rate. The calls are the children of one task group (at most `concurrency` of them at a
    /// time), which runs on a task of its own so that the batch may stop waiting for it: returns
    /// the answered calls, and with `patience`, once every call has started and none answered for
    /// that long, the ones still running, to be recorded when they end. `senderSlot` turns a
    /// row's slot of the first pace into the moment it may go (nil: not within its lease, so the
    /// row is released), one row after the other. `messages[i]` is what `rows[i]` sends.
    func send(
        _ rows: [ClaimedRow], messages: [OutgoingMessage], campaign: Campaign, slots: (start: Date, interval: TimeInterval)?,
        senderSlot: @escaping @Sendable (ClaimedRow, Date) async throws -> Date?, patience: Duration?
    ) async -> (answered: [(ClaimedRow, SendOutcome?)], running: RunningCalls?) {
        if rows.isEmpty { return ([], nil) }
        // Each call reports its outcome when it ends; nil is a tick, so a lull can be noticed.
        let (events, reporter) = AsyncStream.makeStream(of: CallOutcome?.self)
        let started = CallCounter()
        let calls = Task { () -> [CallOutcome] in
            let outcomes = await withTaskGroup(of: CallOutcome.self, returning: [CallOutcome].self) { group in
                var outcomes: [CallOutcome] = []
                outcomes.reserveCapacity(rows.count)
                var inFlight = 0
                for (index, row) in rows.enumerated() {
                    var slot = slots.map { $0.start.addingTimeInterval(Double(index) * $0.interval) }
                    if let turn = slot {
                        // A row whose turn never comes is released by its call (a slot past the
                        // lease); so is one whose sender slot could not be reserved (the database
                        // went away).
                        slot = ((try? await senderSlot(row, turn)) ?? nil) ?? .distantFuture
                    }
                    if inFlight >= max(1, configuration.concurrency), let done = await group.next() {
                        outcomes.append(done)
                        inFlight -= 1
                    }
                    let message = messages[index]
                    group.addTask { [slot] in
                        let outcome = CallOutcome(index: index, row: row, outcome: await call(row, message: message, slot: slot, started: started))
                        reporter.yield(outcome)
                        return outcome
                    }
                    inFlight += 1
                }
                for await done in group { outcomes.append(done) }
                return outcomes
            }
            reporter.finish()
            return outcomes
        }
        let ticker = patience.map { patience in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: patience / 4)
                    reporter.yield(nil)
                }
            }
        }
        defer { ticker?.cancel() }
        var answered: [(ClaimedRow, SendOutcome?)] = []
        answered.reserveCapacity(rows.count)
        var answeredIndices = Set<Int>()
        var lastAnswer = ContinuousClock.now
        for await event in events {
            if let event {
                answered.append((event.row, event.outcome))
                answeredIndices.insert(event.index)
                lastAnswer = .now
            }
            if answered.count == rows.count { break }
            if let patience, started.value.load(ordering: .relaxed) == rows.count, ContinuousClock.now - lastAnswer >= patience {
                return (answered, RunningCalls(calls: calls, answered: answeredIndices))
            }
        }
        return (answered, nil)
    }

    /// Sleeps until `moment` in short steps; false when the engine is stopping (or cancelled).
    func waitUntil(_ moment: Date) async throws -> Bool {
        while !stopping.isSet, case let wait = moment.timeIntervalSince(clock.now()), wait > 0 {
            do { try await Task.sleep(for: .milliseconds(Int(min(wait, 0.1) * 1000))) } catch { return false }
        }
        return !stopping.isSet
    }

    /// One row's provider call: waits for its slot and a permit, calls, and looks up an unknown
    /// outcome. Counts itself in `started` once it called or gave up (nil: never called).
    private func call(_ row: ClaimedRow, message: OutgoingMessage, slot: Date?, started: CallCounter) async -> SendOutcome? {
        // Never start a call so late that it (and a lookup after it) could outlive the lease.
        let latestStart = row.claimedAt.addingTimeInterval(startBudget)
        var counted = false
        defer { if !counted { started.value.add(1, ordering: .relaxed) } }
        if let slot {
            if slot > latestStart { return nil }
            // Wait for the slot in short steps, so a shutdown releases the row at once.
            guard (try? await waitUntil(slot)) == true else { return nil }
        }
        await permits.acquire()
        defer { permits.release() }
        if stopping.isSet || clock.now() > latestStart { return nil }
        started.value.add(1, ordering: .relaxed)
        counted = true
        let began = ContinuousClock.now
        let outcome = await sender.send(message)
        metrics.providerCall(ContinuousClock.now - began)
        if case .unknown = outcome {
            // The call may have reached the provider: only a lookup can tell.
            return OutcomeRules.afterLookup(outcome, await sender.lookup(message))
        }
        return outcome
    }
}

/// Calls of one batch that have started (or given up), read by the batch while they run.
private final class CallCounter: Sendable {
    let value = Atomic<Int>(0)
}

/// One row's call as it ended (nil outcome: the call never started).
struct CallOutcome: Sendable {
    let index: Int
    let row: ClaimedRow
    let outcome: SendOutcome?
}

/// The calls a batch stopped waiting for: they end with the batch's task group, whose outcomes
/// are narrowed to the rows the batch did not see answered.
struct RunningCalls: Sendable {
    let calls: Task<[CallOutcome], Never>
    let answered: Set<Int>

    /// The outcomes of the rows still running when the batch handed them off, in claim order.
    func outcomes() async -> [(ClaimedRow, SendOutcome?)] {
        await calls.value.filter { !answered.contains($0.index) }.sorted { $0.index < $1.index }.map { ($0.row, $0.outcome) }
    }
}
