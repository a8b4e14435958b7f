import Campaigns
import Foundation
import Synchronization

/// In-memory implementations of the domain's store protocols, so router tests run without a
/// database. They keep the same rules as the MariaDB ones where a router test can see them:
/// tenant scoping, the lifecycle, access checks on the stored row. They keep no audit trail (the
/// MariaDB tests check it): the user a change names is ignored.
public final class InMemoryCampaignRepository: CampaignRepository {
    struct State {
        var campaigns: [Int: (scope: TenantScope, campaign: Campaign)] = [:]
        var logs: [Int: [CampaignLogRow]] = [:]
        /// The addresses each manual send queued (for the repeated-send check).
        var manualAddresses: [Int: [String]] = [:]
        var nextID = 1
        /// Saved audiences (``InMemoryAudienceLibrary``), kept here so a reference and a
        /// deletion exclude each other under one lock.
        var audiences: [Int: (scope: TenantScope, audience: SavedAudience)] = [:]
        var nextAudienceID = 1

        /// `draft` with its saved audience's segment and filters (400 when the tenant has none).
        func resolved(_ draft: CampaignDraft, _ scope: TenantScope) throws -> CampaignDraft {
            guard let id = draft.audienceID else { return draft }
            guard let entry = audiences[id], entry.scope == scope else { throw AudienceUse.unknown }
            var resolved = draft
            resolved.segment = entry.audience.segment
            resolved.filters = entry.audience.filters
            return resolved
        }
    }

    let state = Mutex(State())
    /// How many times `progress` was read (the event streams' shared reads, DESIGN §17).
    let progressReadCount = Mutex(0)
    let clock: any WallClock
    /// Who a send snapshots (the same for every campaign).
    public let recipients: [Recipient]
    /// Called before each batch of `streamLogs` is handed out (with its index), so tests can
    /// hold the stream between batches.
    public let beforeBatch: (@Sendable (Int) async -> Void)?
    public static let batchSize = 1000

    public init(clock: any WallClock, recipients: [Recipient] = [], beforeBatch: (@Sendable (Int) async -> Void)? = nil) {
        self.clock = clock
        self.recipients = recipients
        self.beforeBatch = beforeBatch
    }

    public func create(scope: TenantScope, draft: CampaignDraft, createdBy: Int?) async throws -> CampaignView {
        let now = clock.now()
        let campaign = try state.withLock { state in
            let draft = try state.resolved(draft, scope)
            defer { state.nextID += 1 }
            let campaign = Campaign(
                id: state.nextID, channel: draft.channel, name: draft.name, status: .draft, statusReason: nil,
                segment: draft.segment, filters: draft.filters, templateID: draft.templateID, subject: draft.subject, body: draft.body,
                contentSID: draft.contentSID, contentVariables: draft.contentVariables, scheduledAt: draft.scheduledAt,
                recurrence: draft.recurrence, currentRun: 0, totalCount: 0, createdBy: createdBy, createdAt: now, updatedAt: now,
                startedAt: nil, finishedAt: nil, audienceID: draft.audienceID, localized: draft.localized)
            state.campaigns[campaign.id] = (scope, campaign)
            return campaign
        }
        return CampaignView(campaign: campaign, progress: CampaignProgress(status: .draft))
    }

    public func createManual(scope: TenantScope, draft: ManualSendDraft, recipients: [Recipient], createdBy: Int?) async throws
        -> (view: CampaignView, suppressed: Int)
    {
        let now = clock.now()
        let campaign = try state.withLock { state in
            if !draft.confirmDuplicate, !recipients.isEmpty {
                let earlier = state.campaigns.values.filter { entry in
                    let c = entry.campaign
                    return entry.scope == scope && c.kind == .manual && c.channel == draft.channel && c.body == draft.body
                        && c.subject == draft.subject && c.createdAt >= now.addingTimeInterval(-DuplicateSend.window)
                        && DuplicateSend.sameRecipients(state.manualAddresses[c.id] ?? [], recipients.map(\.address))
                }.map(\.campaign.createdAt).max()
                if let earlier { throw DuplicateSend.refusal(recipients: recipients.count, sentAt: earlier, now: now) }
            }
            defer { state.nextID += 1 }
            state.manualAddresses[state.nextID] = recipients.map(\.address)
            let campaign = Campaign(
                id: state.nextID, channel: draft.channel, name: draft.name, status: recipients.isEmpty ? .failed : .queued,
                statusReason: recipients.isEmpty ? .noRecipients : nil, segment: Segment(type: .allCustomers), filters: SegmentFilters(),
                templateID: nil, subject: draft.subject, body: draft.body, contentSID: nil, contentVariables: nil, scheduledAt: nil,
                recurrence: nil, currentRun: 1, totalCount: recipients.count, createdBy: createdBy, createdAt: now, updatedAt: now,
                startedAt: now, finishedAt: nil, kind: .manual, localized: LocalizedContent(action: draft.action))
            state.campaigns[campaign.id] = (scope, campaign)
            return campaign
        }
        var progress = CampaignProgress(status: campaign.status)
        progress.total = recipients.count
        progress.pending = recipients.count
        return (CampaignView(campaign: campaign, progress: progress), 0)
    }

    public func view(scope: TenantScope, id: Int, access: AccessCheck) async throws -> CampaignView {
        try state.withLock { state in
            let campaign = try Self.require(state, scope, id, access)
            return CampaignView(campaign: campaign, progress: Self.progress(state, campaign))
        }
    }

    public func list(scope: TenantScope, query: CampaignListQuery, page: PageRequest) async throws -> Page<CampaignView> {
        state.withLock { state in
            let matching = state.campaigns.values.filter { entry in
                entry.scope == scope && query.channels.contains(entry.campaign.channel)
                    && (query.channel == nil || entry.campaign.channel == query.channel)
                    && (query.status == nil || entry.campaign.status == query.status)
                    && (query.kind == nil || entry.campaign.kind == query.kind)
                    && (query.broadcastID == nil || entry.campaign.broadcastID == query.broadcastID)
                    && (query.search.map { entry.campaign.name.localizedCaseInsensitiveContains($0) } ?? true)
            }.map(\.campaign).sorted { $0.id > $1.id }
            let slice = matching.dropFirst(min(page.offset, matching.count)).prefix(page.perPage)
            return Page(
                items: slice.map { CampaignView(campaign: $0, progress: Self.progress(state, $0)) }, total: matching.count,
                page: page.page, perPage: page.perPage)
        }
    }

    public func update(scope: TenantScope, id: Int, draft: CampaignDraft, access: AccessCheck, by user: Int?) async throws -> CampaignView {
        let now = clock.now()
        return try state.withLock { state in
            var campaign = try Self.require(state, scope, id, access)
            try access.check(draft.channel)
            let draft = try state.resolved(draft, scope)
            let attempted = state.logs[id, default: []].filter { $0.attempts > 0 }.count
            _ = try CampaignLifecycle(status: campaign.status, attemptedRows: attempted).apply(.edit)
            campaign.channel = draft.channel
            campaign.name = draft.name
            campaign.segment = draft.segment
            campaign.filters = draft.filters
            campaign.audienceID = draft.audienceID
            campaign.subject = draft.subject
            campaign.body = draft.body
            campaign.localized = draft.localized
            campaign.scheduledAt = draft.scheduledAt
            campaign.recurrence = draft.recurrence
            campaign.status = .draft
            campaign.updatedAt = now
            state.logs[id] = nil
            state.campaigns[id] = (scope, campaign)
            return CampaignView(campaign: campaign, progress: CampaignProgress(status: .draft))
        }
    }

    public func delete(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws {
        try state.withLock { state in
            let campaign = try Self.require(state, scope, id, access)
            _ = try CampaignLifecycle(status: campaign.status, attemptedRows: 0).apply(.delete)
            state.campaigns[id] = nil
            state.logs[id] = nil
        }
    }

    public func duplicate(scope: TenantScope, id: Int, createdBy: Int?, access: AccessCheck) async throws -> CampaignView {
        let source = try state.withLock { state in try Self.require(state, scope, id, access) }
        return try await create(
            scope: scope,
            draft: CampaignDraft(
                channel: source.channel, name: source.name + " (copy)", segment: source.segment, filters: source.filters,
                subject: source.subject, body: source.body, audienceID: source.audienceID, localized: source.localized),
            createdBy: createdBy)
    }

    public func send(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws -> CampaignView {
        let now = clock.now()
        let recipients = self.recipients
        return try state.withLock { state in
            var campaign = try Self.require(state, scope, id, access)
            _ = try CampaignLifecycle(status: campaign.status, attemptedRows: 0).apply(.send)
            campaign.currentRun += 1
            campaign.startedAt = now
            campaign.updatedAt = now
            let rows = recipients.enumerated().map { index, recipient in
                CampaignLogRow(
                    id: index + 1, run: campaign.currentRun, customerID: recipient.customerID, address: recipient.address,
                    firstName: recipient.firstName, lastName: recipient.lastName, status: .pending, attempts: 0, nextAttemptAt: nil,
                    lastError: nil, providerMessageID: nil, sentAt: nil, updatedAt: now)
            }
            campaign.totalCount = rows.count
            campaign.status = rows.isEmpty ? .failed : .queued
            campaign.statusReason = rows.isEmpty ? .noRecipients : nil
            state.logs[id] = rows
            state.campaigns[id] = (scope, campaign)
            return CampaignView(campaign: campaign, progress: Self.progress(state, campaign))
        }
    }

    public func control(scope: TenantScope, id: Int, _ control: RunControl, access: AccessCheck, by user: Int?) async throws
        -> CampaignView
    {
        try state.withLock { state in
            var campaign = try Self.require(state, scope, id, access)
            campaign.status = try CampaignLifecycle(status: campaign.status, attemptedRows: 0).apply(control.action)
            if control == .cancel {
                state.logs[id] = state.logs[id, default: []].map { row in
                    var row = row
                    if row.status == .pending {
                        row.status = .skipped
                        row.lastError = SkipReason.cancelled.rawValue
                    }
                    return row
                }
            }
            state.campaigns[id] = (scope, campaign)
            return CampaignView(campaign: campaign, progress: Self.progress(state, campaign))
        }
    }

    public func progress(scope: TenantScope, id: Int, run: Int?, access: AccessCheck) async throws -> CampaignView {
        progressReadCount.withLock { $0 += 1 }
        return try await view(scope: scope, id: id, access: access)
    }

    public func logs(scope: TenantScope, id: Int, run: Int?, status: LogStatus?, page: PageRequest, access: AccessCheck) async throws
        -> Page<CampaignLogRow>
    {
        try state.withLock { state in
            _ = try Self.require(state, scope, id, access)
            let rows = state.logs[id, default: []].filter { status == nil || $0.status == status }
            let slice = rows.dropFirst(min(page.offset, rows.count)).prefix(page.perPage)
            return Page(items: Array(slice), total: rows.count, page: page.page, perPage: page.perPage)
        }
    }

    public func streamLogs(
        scope: TenantScope, id: Int, limit: Int?, access: AccessCheck, _ handle: ([CampaignLogRow]) async throws -> Void
    ) async throws {
        let rows = try state.withLock { state in
            _ = try Self.require(state, scope, id, access)
            return Array(state.logs[id, default: []].prefix(limit ?? Int.max))
        }
        var start = 0
        var index = 0
        while start < rows.count {
            await beforeBatch?(index)
            let end = min(start + Self.batchSize, rows.count)
            try await handle(Array(rows[start..<end]))
            start = end
            index += 1
        }
    }

    public func previewRecipients(scope: TenantScope, id: Int, limit: Int, access: AccessCheck) async throws
        -> (campaign: Campaign, recipients: [Recipient])
    {
        let campaign = try state.withLock { state in try Self.require(state, scope, id, access) }
        return (campaign, Array(recipients.prefix(limit)))
    }

    public func members(scope: TenantScope, id: Int, zones: Bool, access: AccessCheck) async throws -> AudienceMembers {
        _ = try state.withLock { state in try Self.require(state, scope, id, access) }
        return AudienceMembers(recipients: recipients)
    }

    private static func require(_ state: State, _ scope: TenantScope, _ id: Int, _ access: AccessCheck) throws -> Campaign {
        guard let entry = state.campaigns[id], entry.scope == scope else { throw DomainError.notFound("campaign") }
        try access.check(entry.campaign.channel)
        return entry.campaign
    }

    private static func progress(_ state: State, _ campaign: Campaign) -> CampaignProgress {
        var progress = CampaignProgress(status: campaign.status)
        progress.run = campaign.currentRun
        for row in state.logs[campaign.id, default: []] { progress.add(1, row.status) }
        return progress
    }
}
