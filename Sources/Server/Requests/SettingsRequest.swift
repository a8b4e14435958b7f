import Campaigns
import Foundation

/// Reads `PUT /api/v1/settings` (DESIGN §10): a field left out keeps its value, `null` goes back
/// to the default; every error names its field.
/// Public so that the fuzzing harness in `Fuzz/` can reach it; the service is its only real caller.
public enum SettingsRequest {
    /// The channel and the validated change a request body asks for; throws an ``APIError``
    /// naming the first invalid field.
    public static func update(from json: JSONValue) throws -> (channel: Channel, update: SettingsUpdate) {
        guard case .object(let object) = json else { throw APIError.validation("body", "The request must be a JSON object.") }
        let channel = try RequestFields.channel(object["channel"])
        var update = SettingsUpdate()
        update.quietHours = try change(object, "quiet_hours") { value in
            guard case .object(let window) = value else {
                throw APIError.validation("quiet_hours", "Choose the hours when messages may go out, e.g. from 08:00 to 21:00.")
            }
            // Compare minutes, not text: " 24:00" is 24:00 once trimmed.
            guard case .string(let start)? = window["start"], let minutes = QuietHours.minutes(start), minutes < 1440 else {
                throw APIError.validation("quiet_hours.start", "Choose when sending may start as a time from 00:00 to 23:59, e.g. 08:00.")
            }
            guard case .string(let end)? = window["end"], let parsed = QuietHours(start: start, end: end) else {
                throw APIError.validation("quiet_hours.end", "Choose when sending must stop as a time from 00:00 to 24:00, e.g. 21:00.")
            }
            return parsed
        }
        update.timezone = try change(object, "timezone") { value in
            guard case .string(let name) = value, name.contains("/") || name == "UTC", TimeZone(identifier: name) != nil else {
                throw APIError.validation("timezone", "Choose a time zone from the list, e.g. Europe/London.")
            }
            return name
        }
        update.frequencyCap = try change(object, "frequency_cap") { value in
            guard case .object(let cap) = value else {
                throw APIError.validation("frequency_cap", "Choose how many messages a customer may get in how many days, e.g. 2 in 7 days.")
            }
            guard let max = cap["max"]?.integerValue, (1...1000).contains(max) else {
                throw APIError.validation("frequency_cap.max", "must be a whole number from 1 to 1000")
            }
            guard let days = cap["days"]?.integerValue, (1...365).contains(days) else {
                throw APIError.validation("frequency_cap.days", "must be a whole number from 1 to 365")
            }
            return FrequencyCap(max: max, days: days)
        }
        update.rateLimit = try change(object, "rate_limit") { value in
            guard case .number(let rate) = value, rate >= 0.01, rate <= 10_000 else {
                throw APIError.validation(
                    "rate_limit", "Enter a sending rate from 0.01 to 10000 messages per second, or leave it empty for the default.")
            }
            return rate
        }
        update.attributionDays = try change(object, "attribution_days") { value in
            guard let days = value.integerValue, (1...365).contains(days) else {
                throw APIError.validation("attribution_days", "Enter how many days after a message a booking counts for its campaign, from 1 to 365.")
            }
            return days
        }
        update.locale = try change(object, "locale") { value in
            guard case .string(let text) = value, let locale = LocaleKey(parsing: text) else {
                throw APIError.validation("locale", "Choose a language like de or a language and region like pt_BR.")
            }
            return locale.rawValue
        }
        update.tracking = try change(object, "tracking") { value in
            guard case .object(let tracking) = value else {
                throw APIError.validation("tracking", "Choose whether links count their clicks and emails their opens.")
            }
            for key in tracking.keys where key != "clicks" && key != "opens" {
                throw APIError.validation("tracking.\(key)", "is not a tracking option; use clicks and opens")
            }
            guard case .bool(let clicks)? = tracking["clicks"] else {
                throw APIError.validation("tracking.clicks", "must be true or false")
            }
            guard case .bool(let opens)? = tracking["opens"] else {
                throw APIError.validation("tracking.opens", "must be true or false")
            }
            return Tracking(clicks: clicks, opens: opens)
        }
        return (channel, update)
    }

    private static func change<Value>(
        _ object: [String: JSONValue], _ field: String, _ parse: (JSONValue) throws -> Value
    ) throws -> SettingChange<Value> {
        guard let value = object[field] else { return .keep }
        if value == .null { return .reset }
        return .set(try parse(value))
    }
}
