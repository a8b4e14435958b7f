/// Campaign statuses (DESIGN §4).
public enum CampaignStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case draft, scheduled, queued, sending, paused, completed, failed, cancelled
}

/// What a user asks to do with a campaign.
public enum CampaignAction: String, Sendable, Hashable {
    case edit, delete, send, pause, resume, cancel
}

/// The user actions that control a running campaign (`POST /campaigns/{id}/<action>`).
public enum RunControl: String, Sendable, CaseIterable, Hashable {
    case pause, resume, cancel

    public var action: CampaignAction {
        switch self {
        case .pause: .pause
        case .resume: .resume
        case .cancel: .cancel
        }
    }

    /// How the audit trail names it.
    public var auditAction: AuditAction {
        switch self {
        case .pause: .pause
        case .resume: .resume
        case .cancel: .cancel
        }
    }
}

/// The campaign state machine as a pure value: which action is allowed from which status, what
/// status it leads to, and the contract's refusal code otherwise.
public struct CampaignLifecycle: Sendable, Hashable {
    public let status: CampaignStatus
    /// How many log rows have been attempted (attempts > 0) — a sent message can't be unsent.
    public let attemptedRows: Int

    public init(status: CampaignStatus, attemptedRows: Int) {
        self.status = status
        self.attemptedRows = attemptedRows
    }

    /// The statuses an action may start from (for conditional `UPDATE … WHERE status IN (…)`).
    public static func allowedSources(for action: CampaignAction) -> Set<CampaignStatus> {
        switch action {
        case .edit: [.draft, .scheduled, .paused, .failed, .cancelled]
        case .delete: [.draft, .scheduled, .paused, .completed, .failed, .cancelled]
        case .send: [.draft]
        case .pause: [.queued, .sending]
        case .resume: [.paused]
        case .cancel: [.scheduled, .queued, .sending, .paused]
        }
    }

    /// The status after `action`, or the refusal. For `send` the result is `queued`; the caller
    /// turns it into `scheduled` (future `scheduled_at`) or `failed` (no recipients).
    public func apply(_ action: CampaignAction) throws(DomainError) -> CampaignStatus {
        switch action {
        case .edit:
            switch status {
            case .queued, .sending: throw Self.locked("edited")
            case .completed: throw Self.hasSends
            case .paused, .failed, .cancelled:
                if attemptedRows > 0 { throw Self.hasSends }
                return .draft
            case .scheduled:
                // A recurring campaign waits here between runs: its earlier runs' sends stay.
                if attemptedRows > 0 { throw Self.hasSends }
                return .draft
            case .draft: return .draft
            }
        case .delete:
            if status == .queued || status == .sending { throw Self.locked("deleted") }
            return status
        case .send:
            switch status {
            case .draft: return .queued
            case .completed: throw .conflict(.campaignCompleted, message: "a completed campaign cannot be sent again; duplicate it instead")
            case .queued, .sending, .scheduled:
                throw .conflict(.campaignAlreadySent, message: "the campaign is already \(status.rawValue)")
            default: throw invalid(action)
            }
        case .pause:
            guard Self.allowedSources(for: .pause).contains(status) else { throw invalid(action) }
            return .paused
        case .resume:
            guard status == .paused else { throw invalid(action) }
            return .queued
        case .cancel:
            guard Self.allowedSources(for: .cancel).contains(status) else {
                if status == .completed {
                    throw .conflict(.campaignCompleted, message: "the campaign has already completed")
                }
                throw invalid(action)
            }
            return .cancelled
        }
    }

    private func invalidMessage(_ action: CampaignAction) -> String {
        "cannot \(action.rawValue) a \(status.rawValue) campaign"
    }

    private static func locked(_ verb: String) -> DomainError {
        .conflict(.campaignLocked, message: "the campaign is being sent and cannot be \(verb); pause or cancel it first")
    }

    private static let hasSends = DomainError.conflict(
        .campaignHasSends,
        message: "messages of this campaign were already sent; duplicate it to send again to the same people")

    private func invalid(_ action: CampaignAction) -> DomainError {
        .conflict(.invalidTransition, message: invalidMessage(action))
    }

}
