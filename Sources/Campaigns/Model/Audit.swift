import Foundation

/// What a user did, as the audit trail records it (DESIGN §13).
public enum AuditAction: String, Sendable, Codable, CaseIterable, Hashable {
    case create, update, delete, send, schedule, pause, resume, cancel, duplicate
    case testSend = "test_send"
    case manualSend = "manual_send"
    case `import`
    /// A browser session was opened with a launch token.
    case open
    /// A person's messages were erased on request (DESIGN §20).
    case erase
}

/// What an audit entry is about.
public enum AuditObjectType: String, Sendable, Codable, CaseIterable, Hashable {
    case campaign, template, suppression, settings, session
    /// A saved audience (DESIGN §16).
    case audience
    /// A test send (no stored object).
    case message
    /// A person whose data was erased (the object id is the Booknetic customer's, if any).
    case customer
}

/// One change a user made: who, when, what, on which object, and a small JSON detail that never
/// holds a secret nor more than 160 characters of a message body.
public struct AuditEntry: Sendable, Hashable {
    /// The stored id (0 before it is stored).
    public var id: Int
    public var at: Date
    public var scope: TenantScope
    /// The WordPress user (nil: the system, e.g. the cron bridge).
    public var userID: Int?
    public var action: AuditAction
    public var objectType: AuditObjectType
    public var objectID: Int?
    public var channel: Channel?
    /// A JSON object.
    public var detail: [String: JSONValue]

    public init(
        id: Int = 0, at: Date, scope: TenantScope, userID: Int?, action: AuditAction, objectType: AuditObjectType, objectID: Int?,
        channel: Channel?, detail: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.at = at
        self.scope = scope
        self.userID = userID
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.channel = channel
        self.detail = detail
    }

    /// The longest excerpt of a message body an entry keeps.
    public static let bodyExcerptLength = 160

    /// `text` cut to `bodyExcerptLength` characters (an ellipsis marks the cut).
    public static func excerpt(_ text: String) -> String {
        text.count <= bodyExcerptLength ? text : String(text.prefix(bodyExcerptLength - 1)) + "…"
    }
}

/// An entry as `GET /api/v1/audit` shows it: with the user's display name.
public struct AuditEntryView: Sendable, Hashable {
    public var entry: AuditEntry
    public var userName: String?

    public init(entry: AuditEntry, userName: String?) {
        self.entry = entry
        self.userName = userName
    }
}

/// Filters of `GET /api/v1/audit`.
public struct AuditQuery: Sendable, Hashable {
    /// Entries of these channels (the caller's readable ones); entries without a channel are
    /// included when `includeWithoutChannel` is set.
    public var channels: Set<Channel>
    public var includeWithoutChannel: Bool
    public var objectType: AuditObjectType?
    public var objectID: Int?
    public var userID: Int?

    public init(
        channels: Set<Channel>, includeWithoutChannel: Bool, objectType: AuditObjectType? = nil, objectID: Int? = nil, userID: Int? = nil
    ) {
        self.channels = channels
        self.includeWithoutChannel = includeWithoutChannel
        self.objectType = objectType
        self.objectID = objectID
        self.userID = userID
    }
}

/// The details the audit trail keeps for campaign changes: names and counts, never whole bodies.
public enum CampaignAuditDetail {
    /// A new campaign (or a duplicate, with its source).
    public static func created(_ draft: CampaignDraft, source: Int? = nil) -> [String: JSONValue] {
        var detail: [String: JSONValue] = ["name": .string(draft.name), "segment": .string(draft.segment.type.rawValue)]
        if let source { detail["source_id"] = .number(Double(source)) }
        return detail
    }

    /// An edit: the fields whose values changed.
    public static func updated(from old: Campaign, to new: CampaignDraft) -> [String: JSONValue] {
        let fields: [(String, Bool)] = [
            ("channel", old.channel == new.channel), ("name", old.name == new.name), ("segment", old.segment == new.segment),
            ("filters", old.filters == new.filters), ("template_id", old.templateID == new.templateID),
            ("subject", old.subject == new.subject), ("body", old.body == new.body), ("content_sid", old.contentSID == new.contentSID),
            ("content_variables", old.contentVariables == new.contentVariables), ("scheduled_at", old.scheduledAt == new.scheduledAt),
            ("recurrence", old.recurrence == new.recurrence), ("repeat_rule", old.repeatRule == new.repeatRule),
            ("holdout_percent", old.holdoutPercent == new.holdoutPercent),
        ]
        return ["name": .string(new.name), "changed": .array(fields.filter { !$0.1 }.map { .string($0.0) })]
    }

    /// A status change by a user (pause, resume, cancel, delete).
    public static func transition(_ campaign: Campaign, to status: CampaignStatus?) -> [String: JSONValue] {
        var detail: [String: JSONValue] = ["name": .string(campaign.name), "from": .string(campaign.status.rawValue)]
        if let status { detail["to"] = .string(status.rawValue) }
        return detail
    }
}
