import Campaigns
import Foundation
import Logging

/// The sending engine's work, shared by the worker and the cron tick: claim a batch, check it
/// once more, send it at the provider's pace, record every outcome in one transaction, end the
/// campaign when its last row ended. The decisions are values (`BatchGate`, `OutcomeRules`);
/// the `EngineStore` the caller passes in (its roles on one connection) stores. The sender uses
/// its own resources.
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
    /// What each provider answer makes of a row.
    var rules: OutcomeRules { OutcomeRules(retry: configuration.retry, throttleRetries: configuration.throttleRetries) }

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
    public func activeCampaigns(_ store: EngineStore, limit: Int) async throws -> [Campaign] {
        try await store.queue.activeCampaigns(now: clock.now(), limit: limit)
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
    public func activateDue(_ store: EngineStore) async throws -> Int {
        try await store.scheduler.activateDue(now: clock.now())
    }

    /// Claims up to `limit` rows of `campaign` and takes each to an outcome. With `stragglers`,
    /// calls still running once the rest of the batch is done are handed to them and recorded
    /// when they end, so the caller can claim again; without, the batch waits for all of them.
    /// The counts are those recorded here.
    public func processBatch(
        _ store: EngineStore, campaign: Campaign, limit: Int, stragglers: Stragglers? = nil
    ) async throws -> SendCounts {
        let scope = campaign.scope
        // The tenant's settings for the channel, read for every batch (a change applies at once).
        let stored = try await store.checks.settings(scope: scope, channel: campaign.channel)
        let effective = ChannelSettings(
            stored: stored, environmentQuietHours: configuration.quietHours, environmentRate: configuration.rateLimit)
        let profile = await sender.profile(scope: scope, channel: campaign.channel)
        // Settings that cannot be read now are not a missing configuration: claim nothing.
        if profile.readiness == .unavailable { return SendCounts() }
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
            if case .notConfigured = profile.readiness {
                // Nothing can be sent: every row fails at once and the campaign ends
                // `failed` with `provider_not_configured` (DESIGN §6).
                var counts = SendCounts()
                counts.failed = rows.count
                let results = rows.map { RowResult.failed(id: $0.id, error: .providerNotConfigured) }
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
                try? await store.queue.record(rows.map { .released(id: $0.id) }, suppress: [], claimToken: token, now: clock.now())
            }
            throw error
        }
    }

    private func process(
        _ rows: [ClaimedRow], campaign: Campaign, effective: ChannelSettings, pace: SendPace, stored: StoredSettings,
        store: EngineStore, stragglers: Stragglers?, callsStarted: inout Bool
    ) async throws -> SendCounts {
        let token = rows[0].claimToken
        let gate = try await gate(rows, campaign: campaign, effective: effective, stored: stored, checks: store.checks)
        let gated = gate.sort(rows, now: clock.now())
        var results = gated.results
        var toSend = gated.toSend

        // Rates hold across replicas: the batch reserves its slots in the database, only those
        // that start within the lease; the rest wait, due when the slots are. The first pace
        // (the tenant's own when it is slower, else the sender's) is reserved for the batch.
        var slots: (start: Date, interval: TimeInterval)?
        if let first = pace.tenant ?? pace.sender, !toSend.isEmpty {
            let now = clock.now()
            let reserved = try await store.slots.reserveSlots(
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
        let senderSlot: @Sendable (ClaimedRow, Date) async throws -> Date? = { row, turn in
            guard pace.tenant != nil, let sender = pace.sender else { return turn }
            let latestStart = row.claimedAt.addingTimeInterval(startBudget)
            guard turn <= latestStart, try await waitUntil(turn) else { return nil }
            let reserved = try await store.slots.reserveSlots(
                sender: sender.key, count: 1, rate: sender.rate, now: clock.now(), deadline: latestStart)
            return reserved.count == 1 ? max(reserved.start, turn) : nil
        }
        // Rendered (and their links stored) before any call: a click can come at once.
        let messages = try await messages(for: toSend, campaign: campaign, tracking: effective.tracking.value, store: store)
        callsStarted = !toSend.isEmpty
        let calls = await send(toSend, messages: messages, campaign: campaign, slots: slots, senderSlot: senderSlot, patience: stragglers?.patience)
        let answered = rules.tally(calls.answered, now: clock.now())
        if let stragglers, let running = calls.running {
            handOff(running, to: stragglers, campaign: campaign, claimToken: token)
        }
        let all = results + answered.results
        let total = gated.counts + answered.counts
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

    /// The batch's gate: the suppression list, the frequency cap's counts and the recipients'
    /// zones, one query each (zones only while quiet hours can hold).
    private func gate(
        _ rows: [ClaimedRow], campaign: Campaign, effective: ChannelSettings, stored: StoredSettings, checks: any SendChecks
    ) async throws -> BatchGate {
        let scope = campaign.scope
        // Suppression is checked again right before sending: one query for the batch.
        var gate = BatchGate(
            suppressed: try await checks.suppressed(scope: scope, channel: campaign.channel, addresses: rows.map(\.address)),
            frequencyCap: effective.frequencyCap.value,
            quietHours: BatchGate.quietHours(channel: campaign.channel, settings: effective))
        // Quiet hours in each recipient's own zone (SMS and WhatsApp).
        if gate.quietHours != nil {
            var tenantZone = TimeZoneName.parse(stored.timezone)
            if tenantZone == nil { tenantZone = try await checks.timeZone(scope: scope) }
            gate.zones = RecipientZones(
                fallback: tenantZone ?? TimeZone(secondsFromGMT: 0)!,
                clients: try await checks.clientTimeZones(scope: scope, customerIDs: rows.compactMap(\.customerID)))
        }
        // The frequency cap, counted across all the tenant's campaigns on this channel.
        if let cap = gate.frequencyCap {
            gate.sentRecently = try await checks.sentCounts(
                scope: scope, channel: campaign.channel, customerIDs: rows.compactMap(\.customerID),
                since: clock.now().addingTimeInterval(-Double(cap.days) * 86_400), excluding: rows.map(\.id))
        }
        return gate
    }

    /// When the next held, retrying or scheduled work falls due.
    public func nextDue(_ store: EngineStore) async throws -> Date? {
        try await store.queue.nextDue(after: clock.now())
    }

    /// The message a row becomes: the campaign's content personalized for the recipient.
    static func render(_ row: ClaimedRow, campaign: Campaign) -> OutgoingMessage {
        let message = MessageContent(campaign).variant(row.locale).personalized(for: row.recipient.fields(for: campaign.channel))
        return OutgoingMessage(
            logID: row.id, campaignID: campaign.id, scope: row.scope, channel: campaign.channel, to: row.address,
            subject: message.subject, body: message.body, contentSID: campaign.contentSID,
            contentVariables: message.contentVariables, claimedAt: row.claimedAt, isHTML: message.isHTML, action: message.action,
            locale: row.locale)
    }
}
