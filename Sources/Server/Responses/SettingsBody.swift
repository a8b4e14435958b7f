import Campaigns
import Foundation

/// The effective settings answer: each value with its source.
struct SettingsBody: Encodable {
    struct Entry<Value: Encodable>: Encodable {
        let value: Nullable<Value>
        let source: String
    }
    struct Window: Encodable {
        let start: String
        let end: String
    }
    struct Cap: Encodable {
        let max: Int
        let days: Int
    }

    let channel: String
    let quietHours: Entry<Window>
    let timezone: Entry<String>
    let frequencyCap: Entry<Cap>
    let rateLimit: Entry<Double>
    let attributionDays: Entry<Int>
    /// The tenant's locale for localized content (DESIGN §15).
    let locale: Entry<String>
    let tracking: Entry<Tracking>

    init(channel: Channel, _ settings: ChannelSettings) {
        self.channel = channel.rawValue
        let window = settings.quietHours.value
        quietHours = Entry(value: Nullable(Window(start: window.startText, end: window.endText)), source: settings.quietHours.source.rawValue)
        timezone = Entry(value: Nullable(settings.timezone.value), source: settings.timezone.source.rawValue)
        frequencyCap = Entry(
            value: Nullable(settings.frequencyCap.value.map { Cap(max: $0.max, days: $0.days) }), source: settings.frequencyCap.source.rawValue)
        rateLimit = Entry(value: Nullable(settings.rateLimit.value), source: settings.rateLimit.source.rawValue)
        attributionDays = Entry(value: Nullable(settings.attributionDays.value), source: settings.attributionDays.source.rawValue)
        locale = Entry(value: Nullable(settings.locale.value), source: settings.locale.source.rawValue)
        tracking = Entry(value: Nullable(settings.tracking.value), source: settings.tracking.source.rawValue)
    }
}
