import Campaigns

/// Validation messages as sentences a salon owner reads in the admin UI (DESIGN §21, "Words for
/// people"): a message that is already a sentence (it starts with a capital letter) is kept as
/// written; a short rule ("is required", "must be at most 190 characters") gets the field's name
/// in words in front and a full stop. The `field` of the answer keeps the request's name.
enum FieldWords {
    /// The words for a request field (`segment.days` → "The number of days").
    static func label(_ field: String) -> String {
        if let known = labels[field] { return known }
        // `filters.statuses[2]` reads as its list; `content_variables.1` as its group.
        let base = field.split(separator: "[").first.map(String.init) ?? field
        if let known = labels[base] { return known }
        if base.hasPrefix("content_variables.") { return "The template variable \(base.dropFirst("content_variables.".count))" }
        if base.hasPrefix("filters.") { return "The filter \(base.dropFirst("filters.".count).replacingOccurrences(of: "_", with: " "))" }
        return "The " + base.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: ".", with: " ")
    }

    /// The sentence for `message` about `field`.
    static func sentence(_ field: String, _ message: String) -> String {
        guard let first = message.unicodeScalars.first, !first.properties.isUppercase else { return message }
        var text = "\(label(field)) \(message)"
        if let last = text.last, !".?!".contains(last) { text += "." }
        return text
    }

    /// What to enter for a recipient's address on `channel`.
    static func addressHint(_ channel: Channel) -> String {
        channel.usesPhone
            ? "Enter a phone number with its country code, e.g. +44 7700 900123."
            : "Enter an email address, e.g. name@example.com."
    }

    private static let labels: [String: String] = [
        "channel": "The channel",
        "name": "The name",
        "body": "The message",
        "subject": "The subject",
        "to": "The recipient",
        "address": "The address",
        "addresses": "The list of addresses",
        "customer_ids": "The list of customers",
        "reason": "The reason",
        "csv": "The imported list",
        "segment": "The audience",
        "segment.type": "The audience",
        "segment.days": "The number of days",
        "filters": "The filters",
        "filters.service_ids": "The list of services",
        "filters.location_ids": "The list of locations",
        "filters.statuses": "The list of appointment statuses",
        "filters.min_appointments": "The minimum number of appointments",
        "filters.exclude_suppressed": "The choice to leave out the suppression list",
        "template_id": "The template",
        "scheduled_at": "The send time",
        "recurrence": "The repeat schedule",
        "content_sid": "The WhatsApp template",
        "content_variables": "The template variables",
        "repeat_rule": "The repeat rule",
        "repeat_rule.once_per_customer": "The choice to message each customer once",
        "repeat_rule.min_days_between": "The number of days between messages",
        "holdout_percent": "The share of customers held out",
        "quiet_hours": "The quiet hours",
        "quiet_hours.start": "The start of the sending window",
        "quiet_hours.end": "The end of the sending window",
        "timezone": "The time zone",
        "frequency_cap": "The frequency cap",
        "frequency_cap.max": "The most messages per customer",
        "frequency_cap.days": "The number of days of the frequency cap",
        "rate_limit": "The sending rate",
        "attribution_days": "The number of days a booking counts for a campaign",
        "mask_addresses": "The choice to hide addresses",
        "sample_size": "The number of sample customers",
        "launch_token": "The launch link",
        "confirm_duplicate": "The confirmation of a repeated send",
        "page": "The page number",
        "per_page": "The number of items per page",
        "run": "The run number",
        "status": "The status",
        "kind": "The kind",
        "limit": "The limit",
        "q": "The search text",
    ]
}
