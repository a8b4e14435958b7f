import Campaigns
import Foundation

/// Reads a campaign create/update body (DESIGN §7) into a validated draft.
extension CampaignDraft {
    /// Validates a request body; every error names its field.
    static func validated(from json: JSONValue, now: Date) throws(DomainError) -> CampaignDraft {
        guard case .object(let object) = json else { throw .validation(field: "body", message: "The request must be a JSON object.") }
        let channel = try RequestFields.channel(object["channel"])
        let name = try RequestFields.text(object["name"], field: "name", maxLength: 190, required: true) ?? ""
        let audienceID = try savedAudience(object)
        // With a saved audience the store fills in its segment and filters.
        let segment = audienceID == nil ? try Segment.validated(from: object["segment"]) : Segment(type: .allCustomers)
        let filters = audienceID == nil ? try SegmentFilters.validated(from: object["filters"]) : SegmentFilters()
        // A WhatsApp template (content_sid) carries its own text: then the body may be empty.
        let templated = channel == .whatsapp && object["content_sid"]?.stringValue.map { !$0.isEmpty } == true
        let body = try RequestFields.text(object["body"], field: "body", maxLength: 65_535, required: !templated, trim: false) ?? ""
        var subject = try RequestFields.text(object["subject"], field: "subject", maxLength: 998, required: false)
        if channel == .email {
            guard subject != nil else { throw .validation(field: "subject", message: "Enter a subject: every email needs one.") }
        } else {
            subject = nil
        }
        var templateID: Int?
        if let raw = object["template_id"], raw != .null {
            guard let id = raw.integerValue, id > 0 else { throw .validation(field: "template_id", message: "Choose a template from the list.") }
            templateID = id
        }
        var scheduledAt: Date?
        if let raw = object["scheduled_at"], raw != .null {
            guard let date = RequestFields.date(raw) else {
                throw .validation(field: "scheduled_at", message: "Choose a date and time for the send, e.g. 1 December at 09:00.")
            }
            guard date > now else { throw .validation(field: "scheduled_at", message: "Choose a send time in the future.") }
            guard date < now.addingTimeInterval(5 * 366 * 86_400) else {
                throw .validation(field: "scheduled_at", message: "Choose a send time within the next 5 years.")
            }
            scheduledAt = date
        }
        var recurrence: CronExpression?
        if let raw = object["recurrence"], raw != .null {
            guard case .string(let text) = raw else { throw .validation(field: "recurrence", message: "Choose how often the campaign repeats.") }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.unicodeScalars.count > 120 {
                throw .validation(field: "recurrence", message: "must be at most 120 characters")
            }
            if !trimmed.isEmpty {
                do {
                    recurrence = try CronExpression(parsing: trimmed)
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
        let repeatRule = try RepeatRule.validated(from: object["repeat_rule"])
        var holdoutPercent = 0
        if let raw = object["holdout_percent"], raw != .null {
            guard let value = raw.integerValue, Holdout.range.contains(value) else {
                throw .validation(
                    field: "holdout_percent",
                    message: "must be a whole number from \(Holdout.range.lowerBound) to \(Holdout.range.upperBound) (per cent)")
            }
            holdoutPercent = value
        }
        let localized = try LocalizedContentRequest.validated(from: object, channel: channel)
        let warnings = MessageRenderer.shortcodeWarnings(body: body, subject: subject) + LocalizedContentRequest.warnings(localized)
        return CampaignDraft(
            channel: channel, name: name, segment: segment, filters: filters, templateID: templateID, subject: subject,
            body: body, contentSID: contentSID, contentVariables: contentVariables, scheduledAt: scheduledAt,
            recurrence: recurrence, repeatRule: repeatRule, holdoutPercent: holdoutPercent, audienceID: audienceID,
            warnings: warnings, localized: localized)
    }
}

extension CampaignDraft {
    /// `audience_id`: a saved audience's id, or absent/null; never together with `segment` or
    /// `filters` (DESIGN §16).
    static func savedAudience(_ object: [String: JSONValue]) throws(DomainError) -> Int? {
        guard let raw = object["audience_id"], raw != .null else { return nil }
        guard let id = raw.integerValue, id > 0 else {
            throw .validation(field: "audience_id", message: "Choose a saved audience from the list.")
        }
        for field in ["segment", "filters"] where object[field].map({ $0 != .null }) == true {
            throw .validation(
                field: "audience_id", message: "Choose either a saved audience or who receives the campaign (\(field)), not both.")
        }
        return id
    }
}

extension RepeatRule {
    /// `{"once_per_customer":true}` and/or `{"min_days_between":N}`; absent, null or `{}` = none.
    static func validated(from json: JSONValue?) throws(DomainError) -> RepeatRule? {
        guard let json, json != .null else { return nil }
        guard case .object(let object) = json else {
            throw .validation(field: "repeat_rule", message: "must be an object like {\"once_per_customer\":true}")
        }
        if let unknown = object.keys.sorted().first(where: { !["once_per_customer", "min_days_between"].contains($0) }) {
            throw .validation(field: "repeat_rule.\(unknown)", message: "is not a repeat rule; use once_per_customer or min_days_between")
        }
        var rule = RepeatRule()
        if let raw = object["once_per_customer"], raw != .null {
            guard case .bool(let flag) = raw else {
                throw .validation(field: "repeat_rule.once_per_customer", message: "must be true or false")
            }
            rule.oncePerCustomer = flag
        }
        if let raw = object["min_days_between"], raw != .null {
            guard let days = raw.integerValue, RepeatRule.daysRange.contains(days) else {
                throw .validation(
                    field: "repeat_rule.min_days_between",
                    message: "must be a whole number of days from \(RepeatRule.daysRange.lowerBound) to \(RepeatRule.daysRange.upperBound)")
            }
            rule.minDaysBetween = days
        }
        return rule.excludesAnyone ? rule : nil
    }
}
