import Foundation

/// A stored campaign (DESIGN §4).
public struct Campaign: Sendable, Hashable {
    public var id: Int
    public var channel: Channel
    public var name: String
    public var status: CampaignStatus
    public var statusReason: String?
    public var segment: Segment
    public var filters: SegmentFilters
    public var templateID: Int?
    public var subject: String?
    public var body: String
    public var contentSID: String?
    public var contentVariables: [String: String]?
    public var scheduledAt: Date?
    public var recurrence: String?
    public var currentRun: Int
    public var totalCount: Int
    public var createdBy: Int?
    public var createdAt: Date
    public var updatedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(
        id: Int, channel: Channel, name: String, status: CampaignStatus, statusReason: String?, segment: Segment,
        filters: SegmentFilters, templateID: Int?, subject: String?, body: String, contentSID: String?,
        contentVariables: [String: String]?, scheduledAt: Date?, recurrence: String?, currentRun: Int, totalCount: Int,
        createdBy: Int?, createdAt: Date, updatedAt: Date, startedAt: Date?, finishedAt: Date?
    ) {
        self.id = id
        self.channel = channel
        self.name = name
        self.status = status
        self.statusReason = statusReason
        self.segment = segment
        self.filters = filters
        self.templateID = templateID
        self.subject = subject
        self.body = body
        self.contentSID = contentSID
        self.contentVariables = contentVariables
        self.scheduledAt = scheduledAt
        self.recurrence = recurrence
        self.currentRun = currentRun
        self.totalCount = totalCount
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    /// The audience this campaign reaches in `scope`.
    public func audience(in scope: TenantScope) -> AudienceDefinition {
        AudienceDefinition(channel: channel, segment: segment, filters: filters, scope: scope)
    }
}

/// Validated campaign input from a create or update request, plus non-fatal warnings.
public struct CampaignDraft: Sendable, Hashable {
    public var channel: Channel
    public var name: String
    public var segment: Segment
    public var filters: SegmentFilters
    public var templateID: Int?
    public var subject: String?
    public var body: String
    public var contentSID: String?
    public var contentVariables: [String: String]?
    public var scheduledAt: Date?
    public var recurrence: String?
    /// e.g. unknown `{shortcodes}` in the body.
    public var warnings: [String]

    public init(
        channel: Channel, name: String, segment: Segment, filters: SegmentFilters = SegmentFilters(),
        templateID: Int? = nil, subject: String? = nil, body: String, contentSID: String? = nil,
        contentVariables: [String: String]? = nil, scheduledAt: Date? = nil, recurrence: String? = nil,
        warnings: [String] = []
    ) {
        self.channel = channel
        self.name = name
        self.segment = segment
        self.filters = filters
        self.templateID = templateID
        self.subject = subject
        self.body = body
        self.contentSID = contentSID
        self.contentVariables = contentVariables
        self.scheduledAt = scheduledAt
        self.recurrence = recurrence
        self.warnings = warnings
    }

    /// Validates a request body; every error names its field.
    public static func validated(from json: JSONValue, now: Date) throws(DomainError) -> CampaignDraft {
        guard case .object(let object) = json else { throw .validation(field: "body", message: "must be a JSON object") }
        let channel = try RequestFields.channel(object["channel"])
        let name = try RequestFields.text(object["name"], field: "name", maxLength: 190, required: true) ?? ""
        let segment = try Segment.validated(from: object["segment"])
        let filters = try SegmentFilters.validated(from: object["filters"])
        let body = try RequestFields.text(object["body"], field: "body", maxLength: 65_535, required: true, trim: false) ?? ""
        var subject = try RequestFields.text(object["subject"], field: "subject", maxLength: 998, required: false)
        if channel == .email {
            guard subject != nil else { throw .validation(field: "subject", message: "is required for email campaigns") }
        } else {
            subject = nil
        }
        var templateID: Int?
        if let raw = object["template_id"], raw != .null {
            guard let id = raw.integerValue, id > 0 else { throw .validation(field: "template_id", message: "must be a template id") }
            templateID = id
        }
        var scheduledAt: Date?
        if let raw = object["scheduled_at"], raw != .null {
            guard let date = RequestFields.date(raw) else {
                throw .validation(field: "scheduled_at", message: "must be an ISO-8601 date-time such as 2026-12-01T09:00:00Z")
            }
            guard date > now else { throw .validation(field: "scheduled_at", message: "must be in the future") }
            guard date < now.addingTimeInterval(5 * 366 * 86_400) else {
                throw .validation(field: "scheduled_at", message: "must be within 5 years (epoch seconds, not milliseconds)")
            }
            scheduledAt = date
        }
        var recurrence: String?
        if let raw = object["recurrence"], raw != .null {
            guard case .string(let text) = raw else { throw .validation(field: "recurrence", message: "must be a cron expression") }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.unicodeScalars.count > 120 {
                throw .validation(field: "recurrence", message: "must be at most 120 characters")
            }
            if !trimmed.isEmpty {
                do {
                    recurrence = try CronExpression(parsing: trimmed).source
                } catch {
                    throw .validation(field: "recurrence", message: error.message)
                }
            }
        }
        let contentSID = try RequestFields.text(object["content_sid"], field: "content_sid", maxLength: 64, required: false)
        var contentVariables: [String: String]?
        if let raw = object["content_variables"], raw != .null {
            guard case .object(let map) = raw else {
                throw .validation(field: "content_variables", message: "must be an object of template variables")
            }
            guard map.count <= 50 else { throw .validation(field: "content_variables", message: "at most 50 variables") }
            var values: [String: String] = [:]
            for (key, value) in map {
                guard key.unicodeScalars.count <= 64 else {
                    throw .validation(field: "content_variables", message: "variable names are at most 64 characters")
                }
                guard case .string(let text) = value, text.unicodeScalars.count <= 1024 else {
                    throw .validation(field: "content_variables.\(key)", message: "must be a string of at most 1024 characters")
                }
                values[key] = text
            }
            contentVariables = values
        }
        var warnings = MessageRenderer.unknownShortcodes(in: body).map { "unknown shortcode \($0) in body" }
        warnings += MessageRenderer.unknownShortcodes(in: subject ?? "").map { "unknown shortcode \($0) in subject" }
        return CampaignDraft(
            channel: channel, name: name, segment: segment, filters: filters, templateID: templateID, subject: subject,
            body: body, contentSID: contentSID, contentVariables: contentVariables, scheduledAt: scheduledAt,
            recurrence: recurrence, warnings: warnings)
    }
}

/// Field-level validation shared by request bodies.
public enum RequestFields {
    public static func channel(_ json: JSONValue?, field: String = "channel") throws(DomainError) -> Channel {
        guard case .string(let raw)? = json else {
            throw .validation(field: field, message: "is required: sms, whatsapp or email")
        }
        guard let channel = Channel(rawValue: raw) else {
            throw .validation(field: field, message: "unknown channel '\(raw)'; expected sms, whatsapp or email")
        }
        return channel
    }

    /// A string field; trimmed unless `trim` is false; nil when absent and not required.
    public static func text(
        _ json: JSONValue?, field: String, maxLength: Int, required: Bool, trim: Bool = true
    ) throws(DomainError) -> String? {
        guard let json, json != .null else {
            if required { throw .validation(field: field, message: "is required") }
            return nil
        }
        guard case .string(let raw) = json else { throw .validation(field: field, message: "must be a string") }
        let value = trim ? raw.trimmingCharacters(in: .whitespacesAndNewlines) : raw
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            if required { throw .validation(field: field, message: "must not be empty") }
            return nil
        }
        // The database counts code points, not grapheme clusters ("é" may be two).
        if value.unicodeScalars.count > maxLength {
            throw .validation(field: field, message: "must be at most \(maxLength) characters")
        }
        return value
    }

    /// ISO-8601 (with or without fractional seconds) or epoch seconds.
    public static func date(_ json: JSONValue) -> Date? {
        switch json {
        case .number(let seconds): return Date(timeIntervalSince1970: seconds)
        case .string(let text):
            let plain = ISO8601DateFormatter()
            if let date = plain.date(from: text) { return date }
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return fractional.date(from: text)
        default: return nil
        }
    }
}
