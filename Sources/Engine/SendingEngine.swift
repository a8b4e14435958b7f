import Campaigns
import Foundation
import Logging
import Synchronization

/// Counts of one batch, tick or round.
public struct SendCounts: Sendable, Hashable {
    public var sent = 0
    public var failed = 0
    public var retrying = 0
    public var skipped = 0
    public var held = 0

    public init() {}

    public static func + (lhs: SendCounts, rhs: SendCounts) -> SendCounts {
        var sum = lhs
        sum.sent += rhs.sent
        sum.failed += rhs.failed
        sum.retrying += rhs.retrying
        sum.skipped += rhs.skipped
        sum.held += rhs.held
        return sum
    }
}

/// The sending engine's work, shared by the worker and the cron tick: claim a batch, check it
/// once more, send it at the provider's pace, record every outcome in one transaction, end the
/// campaign when its last row ended. It decides; the `EngineStore` the caller passes in (one
/// connection) stores. The sender uses its own resources.
public struct SendingEngine: Sendable {
    public let configuration: EngineConfiguration
    let sender: any MessageSender
    let clock: any WallClock
    let metrics: EngineMetrics
    let logger: Logger
    /// Provider calls in flight across all batches of this engine.
    let permits: Permits
    /// Set on shutdown: calls not yet started are released instead of made.
    public let stopping = StopFlag()

    public init(
        configuration: EngineConfiguration, sender: any MessageSender, clock: any WallClock, metrics: EngineMetrics = EngineMetrics(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.sender = sender
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.permits = Permits(configuration.concurrency)
    }

    /// Campaigns with due rows, oldest first.
    public func activeCampaigns(_ store: any EngineStore, limit: Int) async throws -> [Campaign] {
        try await store.activeCampaigns(now: clock.now(), limit: limit)
    }

    /// How long after its claim a row's provider call may still start: the lease less the call's
    /// own timeout and room for a lookup after it, so a batch never outlives its lease.
    var startBudget: TimeInterval {
        let afterCall = configuration.lease - configuration.providerTimeout
        return afterCall - min(configuration.providerTimeout, afterCall / 2)
    }

    /// How far ahead a batch reserves rate slots: rows whose slot lies further out wait in the
    /// queue (pending, due at their slot) instead of holding a lane, so a slow sender or a
    /// tenant's slow pace never keeps the worker from other campaigns.
    var slotHorizon: TimeInterval { min(startBudget, 5) }

    /// Activates due scheduled campaigns.
    public func activateDue(_ store: any EngineStore) async throws -> Int {
        try await store.activateDue(now: clock.now())
    }

    /// Claims up to `limit` rows of `campaign` and takes each to an outcome. With `stragglers`,
    /// calls still running once the rest of the batch is done are handed to them and recorded
    /// when they end, so the caller can claim again; without, the batch waits for all of them.
    /// The counts are those recorded here.
    public func processBatch(
        _ store: any EngineStore, campaign: Campaign, limit: Int, stragglers: Stragglers? = nil
    ) async throws -> SendCounts {
        let scope = campaign.scope
        // The tenant's settings for the channel, read for every batch (a change applies at once).
        let stored = try await store.settings(scope: scope, channel: campaign.channel)
        let effective = ChannelSettings(
            stored: stored, environmentQuietHours: configuration.quietHours, environmentRate: configuration.rateLimit)
        let profile = await sender.profile(scope: scope, channel: campaign.channel)
        // Settings that cannot be read now are not a missing configuration: claim nothing.
        if profile.unavailable { return SendCounts() }
        let pace = SendPace(
            senderKey: profile.key, senderRate: configuration.rateLimit ?? profile.defaultRate, tenantRate: stored.rateLimit,
            scope: scope, channel: campaign.channel)
        // A rate-limited sender takes only what its slots of the next few seconds can send.
        var batch = limit
        if let rate = pace.batchRate {
            batch = min(limit, max(1, Int(rate * slotHorizon) + 1))
        }
        let claimStarted = ContinuousClock.now
        guard let rows = try await claimWithinQuota(store, campaign: campaign, limit: batch) else { return SendCounts() }
        metrics.claimed(rows.count, latency: ContinuousClock.now - claimStarted)
        if rows.isEmpty { return SendCounts() }
        let token = rows[0].claimToken
        var callsStarted = false
        do {
            if profile.problem != nil {
                // Nothing can be sent: every row fails at once and the campaign ends
                // `failed` with `provider_not_configured` (DESIGN §6).
                var counts = SendCounts()
                counts.failed = rows.count
                let results = rows.map { RowResult.failed(id: $0.id, error: StatusReason.providerNotConfigured.rawValue) }
                return try await finish(results, suppress: [], counts: counts, campaign: campaign, claimToken: token, store: store)
            }
            return try await process(
                rows, campaign: campaign, effective: effective, pace: pace, stored: stored, store: store, stragglers: stragglers,
                callsStarted: &callsStarted)
        } catch {
            // What failed before any call (a check, a slot reservation, a lost connection): give
            // the rows back at once instead of leaving them to the lease. Once calls were made,
            // only recovery's lookup may decide, never a release that could resend.
            if !callsStarted {
                try? await store.record(rows.map { .released(id: $0.id) }, suppress: [], claimToken: token, now: clock.now())
            }
            throw error
        }
    }

    private func process(
        _ rows: [ClaimedRow], campaign: Campaign, effective: ChannelSettings, pace: SendPace, stored: StoredSettings,
        store: any EngineStore, stragglers: Stragglers?, callsStarted: inout Bool
    ) async throws -> SendCounts {
        let scope = campaign.scope
        let token = rows[0].claimToken
        var counts = SendCounts()
        var results: [RowResult] = []
        var toSend: [ClaimedRow] = []

        // Suppression is checked again right before sending: one query for the batch.
        let suppressed = try await store.suppressed(scope: scope, channel: campaign.channel, addresses: rows.map(\.address))
        // Quiet hours in each recipient's own zone (SMS and WhatsApp).
        let window: QuietHours? = campaign.channel.usesPhone && !effective.quietHours.value.neverHolds ? effective.quietHours.value : nil
        var zoneOf: (ClaimedRow) -> TimeZone = { _ in TimeZone(secondsFromGMT: 0)! }
        if window != nil {
            var tenantZone = TimeZoneName.parse(stored.timezone)
            if tenantZone == nil { tenantZone = try await store.timeZone(scope: scope) }
            let fallbackZone = tenantZone ?? TimeZone(secondsFromGMT: 0)!
            let clientZones = try await store.clientTimeZones(scope: scope, customerIDs: rows.compactMap(\.customerID))
            zoneOf = { row in row.customerID.flatMap { clientZones[$0] }.flatMap(TimeZoneName.parse) ?? fallbackZone }
        }
        // The frequency cap, counted across all the tenant's campaigns on this channel.
        var sentRecently: [Int: Int] = [:]
        if let cap = effective.frequencyCap.value {
            sentRecently = try await store.sentCounts(
                scope: scope, channel: campaign.channel, customerIDs: rows.compactMap(\.customerID),
                since: clock.now().addingTimeInterval(-Double(cap.days) * 86_400), excluding: rows.map(\.id))
        }
        let now = clock.now()
        for row in rows {
            if suppressed.contains(row.address.lowercased()) {
                results.append(.skipped(id: row.id, reason: .suppressed))
                counts.skipped += 1
            } else if let cap = effective.frequencyCap.value, let customer = row.customerID, sentRecently[customer, default: 0] >= cap.max {
                results.append(.skipped(id: row.id, reason: .frequencyCap))
                counts.skipped += 1
            } else if let window, let opening = window.nextOpening(after: now, in: zoneOf(row)) {
                results.append(.held(id: row.id, until: opening))
                counts.held += 1
            } else {
                toSend.append(row)
            }
        }

        // Rates hold across replicas: the batch reserves its slots in the database, only those
        // that start within the lease; the rest wait, due when the slots are. The first pace
        // (the tenant's own when it is slower, else the sender's) is reserved for the batch.
        var slots: (start: Date, interval: TimeInterval)?
        if let first = pace.tenant ?? pace.sender, !toSend.isEmpty {
            let now = clock.now()
            let reserved = try await store.reserveSlots(
                sender: first.key, count: toSend.count, rate: first.rate, now: now,
                deadline: min(toSend[0].claimedAt.addingTimeInterval(startBudget), now.addingTimeInterval(slotHorizon)))
            slots = (reserved.start, 1 / first.rate)
            let later = reserved.start.addingTimeInterval(Double(reserved.count) / first.rate)
            for row in toSend.dropFirst(reserved.count) { results.append(.deferred(id: row.id, until: later)) }
            toSend = Array(toSend.prefix(reserved.count))
        }
        // Under a tenant's own pace, each message also takes the sender's next slot when its turn
        // comes, never earlier: the shared sender only ever counts messages about to go, so a
        // slow tenant holds no slot another tenant could use.
        let senderSlot: (ClaimedRow, Date) async throws -> Date? = { row, turn in
            guard pace.tenant != nil, let sender = pace.sender else { return turn }
            let latestStart = row.claimedAt.addingTimeInterval(startBudget)
            guard turn <= latestStart, try await waitUntil(turn) else { return nil }
            let reserved = try await store.reserveSlots(
                sender: sender.key, count: 1, rate: sender.rate, now: clock.now(), deadline: latestStart)
            return reserved.count == 1 ? max(reserved.start, turn) : nil
        }
        callsStarted = !toSend.isEmpty
        let calls = await send(toSend, campaign: campaign, slots: slots, senderSlot: senderSlot, patience: stragglers?.patience)
        let answered = tally(calls.answered)
        if let stragglers, !calls.running.isEmpty {
            handOff(calls.running, to: stragglers, campaign: campaign, claimToken: token)
        }
        let all = results + answered.results
        let total = counts + answered.counts
        do {
            return try await finish(all, suppress: answered.suppress, counts: total, campaign: campaign, claimToken: token, store: store)
        } catch {
            // The calls were made: their outcomes must not wait for the lease because the
            // connection died (a database restart). Record them on a fresh one, then let the
            // lane fail as before.
            if let stragglers {
                let deadline = rows[0].claimedAt.addingTimeInterval(configuration.lease)
                stragglers.adopt {
                    await recordLate(
                        all, suppress: answered.suppress, counts: total, campaign: campaign, claimToken: token, stores: stragglers.stores,
                        until: deadline)
                }
            }
            throw error
        }
    }

    /// Records outcomes on a connection of their own, trying again every half second while the
    /// database is away, until the rows' lease ends (then recovery's lookup resolves them; a
    /// recording that did land before is not repeated, since only rows still claimed change).
    private func recordLate(
        _ results: [RowResult], suppress: [SuppressionRequest], counts: SendCounts, campaign: Campaign, claimToken: String,
        stores: any EngineStoreProvider, until deadline: Date
    ) async {
        var failures = 0
        while true {
            do {
                _ = try await stores.withStore { store in
                    try await finish(results, suppress: suppress, counts: counts, campaign: campaign, claimToken: claimToken, store: store)
                }
                if failures > 0 { logger.info("late outcomes recorded", metadata: ["campaign_id": "\(campaign.id)", "rows": "\(results.count)"]) }
                return
            } catch {
                failures += 1
                if clock.now().addingTimeInterval(0.5) >= deadline {
                    logger.warning(
                        "recording provider outcomes failed; recovery resolves them after the lease",
                        metadata: ["campaign_id": "\(campaign.id)", "rows": "\(results.count)", "error": "\(String(reflecting: error))"])
                    return
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// The new rows' states for the calls' outcomes, with the suppressions they ask for.
    private func tally(_ outcomes: [(ClaimedRow, SendOutcome?)]) -> (results: [RowResult], suppress: [SuppressionRequest], counts: SendCounts) {
        var results: [RowResult] = []
        var suppress: [SuppressionRequest] = []
        var counts = SendCounts()
        for (row, outcome) in outcomes {
            // No result: the outcome is unknown and could not be looked up; the row stays
            // `sending` and recovery resolves it after the lease, never by a blind resend.
            guard let result = resolve(row, outcome, now: clock.now()) else { continue }
            results.append(result.row)
            if let request = result.suppress { suppress.append(request) }
            switch result.row {
            case .sent: counts.sent += 1
            case .failed: counts.failed += 1
            case .retry: counts.retrying += 1
            default: break
            }
        }
        return (results, suppress, counts)
    }

    /// Records the calls a batch left running once they end, on a connection of their own.
    /// If that fails the rows stay `sending` and recovery's lookup resolves them after the lease.
    private func handOff(
        _ running: [Task<(ClaimedRow, SendOutcome?), Never>], to stragglers: Stragglers, campaign: Campaign, claimToken: String
    ) {
        stragglers.adopt {
            var outcomes: [(ClaimedRow, SendOutcome?)] = []
            for call in running { outcomes.append(await call.value) }
            let late = tally(outcomes)
            let deadline = outcomes.map(\.0.claimedAt).min().map { $0.addingTimeInterval(configuration.lease) } ?? clock.now()
            await recordLate(
                late.results, suppress: late.suppress, counts: late.counts, campaign: campaign, claimToken: claimToken,
                stores: stragglers.stores, until: deadline)
        }
    }

    /// Claims a batch; for a SaaS tenant whose plan caps the month's SMS, the allowance is read
    /// and spent under the tenant's quota lock, so lanes and replicas never both take the last
    /// messages. At the limit the campaign pauses (rows stay pending): nil, as when the lock is busy.
    private func claimWithinQuota(_ store: any EngineStore, campaign: Campaign, limit: Int) async throws -> [ClaimedRow]? {
        let scope = campaign.scope
        let worker = configuration.workerID
        guard campaign.channel == .sms, try await store.smsQuota(scope: scope, now: clock.now()) != nil else {
            return try await store.claim(campaign: campaign, limit: limit, worker: worker, now: clock.now())
        }
        let claimed: [ClaimedRow]?? = try await store.withQuotaLock(scope: scope) {
            guard let quota = try await store.smsQuota(scope: scope, now: clock.now()) else {
                return try await store.claim(campaign: campaign, limit: limit, worker: worker, now: clock.now())
            }
            guard quota.remaining > 0 else {
                try await store.pauseForQuota(campaignID: campaign.id, now: clock.now())
                logger.info("SMS quota of the month reached; campaign paused", metadata: ["campaign_id": "\(campaign.id)", "limit": "\(quota.limit)"])
                return nil
            }
            return try await store.claim(campaign: campaign, limit: min(limit, quota.remaining), worker: worker, now: clock.now())
        }
        return claimed ?? nil
    }

    /// Records a batch's outcomes, then ends the campaign if that was its last open row.
    private func finish(
        _ results: [RowResult], suppress: [SuppressionRequest], counts: SendCounts, campaign: Campaign, claimToken: String,
        store: any EngineStore
    ) async throws -> SendCounts {
        try await store.record(results, suppress: suppress, claimToken: claimToken, now: clock.now())
        metrics.recorded(counts, channel: campaign.channel)
        let ended = try await store.finalize(campaignIDs: [campaign.id], now: clock.now())
        try await store.rescheduleRecurring(campaignIDs: ended, now: clock.now())
        return counts
    }

    /// Sends rows with at most `concurrency` calls in flight across the engine, at the sender's
    /// rate. Returns the answered calls; with `patience`, once every call has started and none
    /// answered for that long, the ones still running are returned as tasks instead of awaited.
    /// `senderSlot` turns a row's slot of the first pace into the moment it may go (nil: not
    /// within its lease, so the row is released), one row after the other.
    private func send(
        _ rows: [ClaimedRow], campaign: Campaign, slots: (start: Date, interval: TimeInterval)?,
        senderSlot: (ClaimedRow, Date) async throws -> Date?, patience: Duration?
    ) async -> (answered: [(ClaimedRow, SendOutcome?)], running: [Task<(ClaimedRow, SendOutcome?), Never>]) {
        if rows.isEmpty { return ([], []) }
        // Each call reports its index when it ends; nil is a tick, so a lull can be noticed.
        let (events, reporter) = AsyncStream.makeStream(of: Int?.self)
        let started = CallCounter()
        var calls: [Task<(ClaimedRow, SendOutcome?), Never>] = []
        calls.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            var slot = slots.map { $0.start.addingTimeInterval(Double(index) * $0.interval) }
            if let turn = slot {
                // A row whose turn never comes is released by its call (a slot past the lease); so
                // is one whose sender slot could not be reserved (the database went away).
                slot = ((try? await senderSlot(row, turn)) ?? nil) ?? .distantFuture
            }
            calls.append(
                Task { [slot] in
                    defer { reporter.yield(index) }
                    return (row, await call(row, campaign: campaign, slot: slot, started: started))
                })
        }
        let ticker = patience.map { patience in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: patience / 4)
                    reporter.yield(nil)
                }
            }
        }
        defer {
            ticker?.cancel()
            reporter.finish()
        }
        var answered: [(ClaimedRow, SendOutcome?)] = []
        answered.reserveCapacity(rows.count)
        var running = Set(calls.indices)
        var lastAnswer = ContinuousClock.now
        for await event in events {
            if let index = event {
                running.remove(index)
                answered.append(await calls[index].value)
                lastAnswer = .now
            }
            if running.isEmpty { break }
            if let patience, started.value.load(ordering: .relaxed) == rows.count, ContinuousClock.now - lastAnswer >= patience {
                return (answered, running.sorted().map { calls[$0] })
            }
        }
        return (answered, [])
    }

    /// Sleeps until `moment` in short steps; false when the engine is stopping (or cancelled).
    private func waitUntil(_ moment: Date) async throws -> Bool {
        while !stopping.isSet, case let wait = moment.timeIntervalSince(clock.now()), wait > 0 {
            do { try await Task.sleep(for: .milliseconds(Int(min(wait, 0.1) * 1000))) } catch { return false }
        }
        return !stopping.isSet
    }

    /// One row's provider call: waits for its slot and a permit, calls, and looks up an unknown
    /// outcome. Counts itself in `started` once it called or gave up (nil: never called).
    private func call(_ row: ClaimedRow, campaign: Campaign, slot: Date?, started: CallCounter) async -> SendOutcome? {
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
        let message = Self.render(row, campaign: campaign)
        started.value.add(1, ordering: .relaxed)
        counted = true
        let began = ContinuousClock.now
        let outcome = await sender.send(message)
        metrics.providerCall(ContinuousClock.now - began)
        if case .unknown = outcome {
            // The call may have reached the provider: only a lookup can tell.
            switch await sender.lookup(message) {
            case .found(let id): return .sent(providerID: id)
            case .notFound: return .retryable(code: "unknown_outcome", message: "no answer; not found by lookup", retryAfter: nil)
            case .failed, .unsupported: return outcome
            }
        }
        return outcome
    }

    /// The row's new state for a provider outcome (nil outcome: the call never started).
    func resolve(_ row: ClaimedRow, _ outcome: SendOutcome?, now: Date) -> (row: RowResult, suppress: SuppressionRequest?)? {
        switch outcome {
        case nil:
            return (.released(id: row.id), nil)
        case .sent(let id):
            return (.sent(id: row.id, providerID: id), nil)
        case .retryable(let code, let message, let retryAfter):
            switch configuration.retry.decide(failures: row.attempts + 1, now: now, retryAfter: retryAfter) {
            case .retry(let at): return (.retry(id: row.id, at: at, error: "\(code): \(message)"), nil)
            case .giveUp: return (.failed(id: row.id, error: "\(code): \(message)"), nil)
            }
        case .throttled(let code, let retryAfter):
            // Not the row's fault: it waits out the provider's Retry-After (at least a second),
            // a bounded number of times; then a 429 fails like a 500 (DESIGN §6).
            guard row.throttles >= configuration.throttleRetries else {
                return (.throttled(id: row.id, until: now.addingTimeInterval(max(1, retryAfter ?? 1))), nil)
            }
            let message = "the provider kept asking to slow down"
            switch configuration.retry.decide(failures: row.attempts + 1, now: now, retryAfter: retryAfter) {
            case .retry(let at): return (.retry(id: row.id, at: at, error: "\(code): \(message)"), nil)
            case .giveUp: return (.failed(id: row.id, error: "\(code): \(message)"), nil)
            }
        case .notAttempted(let retryAfter):
            return (.deferred(id: row.id, until: now.addingTimeInterval(max(1, retryAfter))), nil)
        case .permanent(let code, let message, let suppress):
            let request = suppress
                ? SuppressionRequest(scope: row.scope, channel: row.channel, address: row.address, reason: "STOP reply") : nil
            // provider_not_configured is the row's whole `last_error` (DESIGN §6); the campaign's
            // status_reason follows it when nothing was sent.
            let error = code == StatusReason.providerNotConfigured.rawValue ? code : "\(code): \(message)"
            return (.failed(id: row.id, error: error), request)
        case .unknown:
            // Neither sent nor refused, and no lookup could tell. Email cannot be looked up:
            // it fails `interrupted`. Others stay `sending` until recovery asks again.
            return row.channel == .email ? (.failed(id: row.id, error: "interrupted"), nil) : nil
        }
    }

    /// Resolves rows whose lease ran out (a replica died mid-send): Twilio-like senders are asked
    /// whether the message went out; email rows, which cannot be looked up, fail `interrupted`.
    /// Takes every expired row in rounds of 200, looking them up side by side within the
    /// engine's concurrency, so a killed replica's batch is back in a round, not minutes.
    /// Also ends campaigns whose last row ended while nobody finalized them.
    public func recover(_ store: any EngineStore) async throws -> Int {
        let now = clock.now()
        var touched = Set<Int>()
        var resolved = 0
        // A killed batch's rows are mostly of one campaign: read each campaign once per call.
        var campaigns: [Int: Campaign?] = [:]
        for _ in 0..<25 where !stopping.isSet {
            let expired = try await store.expiredLeases(claimedBefore: now.addingTimeInterval(-configuration.lease), limit: 200)
            let token = ClaimedRow.newToken(worker: configuration.workerID)
            var results: [RowResult] = []
            var toLookUp: [(ClaimedRow, OutgoingMessage)] = []
            for row in expired where try await store.takeOver(row, token: token, now: now) {
                touched.insert(row.campaignID)
                if row.channel == .email {
                    results.append(.failed(id: row.id, error: "interrupted"))
                } else if let campaign = try await cached(row.campaignID, in: &campaigns, store) {
                    toLookUp.append((row, Self.render(row, campaign: campaign)))
                } else {
                    results.append(.released(id: row.id))
                }
            }
            let answered = await lookUp(toLookUp)
            results += answered
            try await store.record(results, suppress: [], claimToken: token, now: now)
            resolved += results.count
            // Taken-over rows keep their claim time (the lookup searches from it), so a row whose
            // lookup failed is expired still: the next housekeeping round asks again, not this one.
            if expired.count < 200 || answered.count < toLookUp.count { break }
        }
        let resumed = try await store.resumeWithinQuota(now: now)
        if resumed > 0 { logger.info("campaigns resumed within the SMS quota", metadata: ["campaigns": "\(resumed)"]) }
        let stale = try await store.unfinalized(limit: 100)
        let ended = try await store.finalize(campaignIDs: Array(touched) + stale, now: now)
        try await store.rescheduleRecurring(campaignIDs: ended, now: now)
        if resolved > 0 { logger.info("recovered rows after an expired lease", metadata: ["rows": "\(resolved)"]) }
        // Rows released or campaigns resumed are due now: the caller wakes the senders.
        return resolved + resumed
    }

    /// `id`'s campaign from `cache`, read from the store the first time (nil: it was deleted).
    private func cached(_ id: Int, in cache: inout [Int: Campaign?], _ store: any EngineStore) async throws -> Campaign? {
        if let known = cache[id] { return known }
        let campaign = try await store.campaign(id: id)
        cache[id] = .some(campaign)  // a deleted campaign is remembered as nil too
        return campaign
    }

    /// Asks the sender about rows taken over from an expired lease, within the engine's
    /// concurrency: found is sent, not found goes back to pending (it never reached the
    /// provider), no lookup fails `interrupted`; a failed lookup leaves the row to the next round.
    private func lookUp(_ rows: [(ClaimedRow, OutgoingMessage)]) async -> [RowResult] {
        await withTaskGroup(of: RowResult?.self) { group in
            for (row, message) in rows {
                group.addTask {
                    await permits.acquire()
                    defer { permits.release() }
                    switch await sender.lookup(message) {
                    case .found(let id): return .sent(id: row.id, providerID: id)
                    case .notFound: return .released(id: row.id)
                    case .unsupported: return .failed(id: row.id, error: "interrupted")
                    case .failed(let reason):
                        logger.warning("lookup failed; will try again", metadata: ["log_id": "\(row.id)", "reason": "\(reason)"])
                        return nil
                    }
                }
            }
            var results: [RowResult] = []
            for await result in group { if let result { results.append(result) } }
            return results
        }
    }

    /// When the next held, retrying or scheduled work falls due.
    public func nextDue(_ store: any EngineStore) async throws -> Date? {
        try await store.nextDue(after: clock.now())
    }

    /// The message a row becomes: the campaign's content personalized for the recipient.
    static func render(_ row: ClaimedRow, campaign: Campaign) -> OutgoingMessage {
        let message = MessageContent(campaign).personalized(for: row.recipient.fields(for: campaign.channel))
        return OutgoingMessage(
            logID: row.id, campaignID: campaign.id, scope: row.scope, channel: campaign.channel, to: row.address,
            subject: message.subject, body: message.body, contentSID: campaign.contentSID,
            contentVariables: message.contentVariables, claimedAt: row.claimedAt, isHTML: message.isHTML)
    }
}

/// Calls of one batch that have started (or given up), read by the batch while they run.
private final class CallCounter: Sendable {
    let value = Atomic<Int>(0)
}
