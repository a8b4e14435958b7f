import Campaigns
import Foundation
import Server

/// `PUT /api/v1/settings` bodies and `BKNTC_QUIET_HOURS`/time-zone texts. An accepted update holds
/// only DESIGN §10's ranges and, written back as JSON the way the UI sends it, reads as the same
/// update; an error about a field's second part (`quiet_hours.end`) means its first part was
/// valid; a quiet-hours window reads back from its own `HH:MM-HH:MM` text.
enum SettingsTarget {
    static func run(_ input: FuzzInput) {
        let text = input.text
        if let window = QuietHours(parsing: text) {
            require(QuietHours(parsing: window.startText + "-" + window.endText) == window, "window \(window) does not read back")
        }
        _ = TimeZoneName.parse(text)
        _ = TimeZoneName.gmtOffset(text)

        guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(input.bytes)) else { return }
        let parsed: (channel: Channel, update: SettingsUpdate)
        do {
            parsed = try SettingsRequest.update(from: json)
        } catch {
            checkBlame(error, json)
            return
        }
        let (channel, update) = parsed
        if case .set(let zone) = update.timezone { require(TimeZone(identifier: zone) != nil, "time zone \(zone) accepted") }
        if case .set(let cap) = update.frequencyCap {
            require((1...1000).contains(cap.max) && (1...365).contains(cap.days), "frequency cap \(cap) accepted")
        }
        if case .set(let rate) = update.rateLimit { require(rate >= 0.01 && rate <= 10_000, "rate limit \(rate) accepted") }
        if case .set(let days) = update.attributionDays { require((1...365).contains(days), "attribution days \(days) accepted") }

        let written = body(channel, update)
        let again = try? SettingsRequest.update(from: written)
        require(again?.channel == channel && again?.update == update, "\(update) written as \(written) reads as \(String(describing: again))")
    }

    /// An error that names the second part of a field (`quiet_hours.end`, `frequency_cap.days`)
    /// found the first part valid: with a valid second part that field alone must be accepted.
    private static func checkBlame(_ error: any Error, _ json: JSONValue) {
        let repairs: [String: (key: String, part: String, valid: JSONValue)] = [
            "quiet_hours.end": ("quiet_hours", "end", .string("21:00")), "frequency_cap.days": ("frequency_cap", "days", .number(7)),
        ]
        guard let field = (error as? APIError)?.field, let repair = repairs[field],
            let channel = json["channel"], case .object(var value)? = json[repair.key]
        else { return }
        value[repair.part] = repair.valid
        let repaired = JSONValue.object(["channel": channel, repair.key: .object(value)])
        require((try? SettingsRequest.update(from: repaired)) != nil, "\(field) was blamed, but \(repaired) is still refused")
    }

    /// The update as a request body.
    private static func body(_ channel: Channel, _ update: SettingsUpdate) -> JSONValue {
        var object: [String: JSONValue] = ["channel": .string(channel.rawValue)]
        object["quiet_hours"] = field(update.quietHours) { .object(["start": .string($0.startText), "end": .string($0.endText)]) }
        object["timezone"] = field(update.timezone) { .string($0) }
        object["frequency_cap"] = field(update.frequencyCap) { .object(["max": .number(Double($0.max)), "days": .number(Double($0.days))]) }
        object["rate_limit"] = field(update.rateLimit) { .number($0) }
        object["attribution_days"] = field(update.attributionDays) { .number(Double($0)) }
        return .object(object)
    }

    private static func field<Value>(_ change: SettingChange<Value>, _ value: (Value) -> JSONValue) -> JSONValue? {
        switch change {
        case .keep: nil
        case .reset: .null
        case .set(let set): value(set)
        }
    }
}
