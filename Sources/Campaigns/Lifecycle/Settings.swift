import Foundation

/// Where an effective setting comes from (DESIGN §10).
public enum SettingSource: String, Sendable, Codable, Hashable {
    case tenant, environment
    case `default`
}

/// A setting's effective value and its source.
public struct EffectiveSetting<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var source: SettingSource

    public init(_ value: Value, _ source: SettingSource) {
        self.value = value
        self.source = source
    }
}

/// At most `max` campaign messages per customer per `days` days on a channel.
public struct FrequencyCap: Sendable, Hashable, Codable {
    public var max: Int
    public var days: Int

    public init(max: Int, days: Int) {
        self.max = max
        self.days = days
    }
}

/// The names of the settings of §10, as stored.
public enum SettingName: String, Sendable, CaseIterable, Hashable {
    case quietHours = "quiet_hours"
    case timezone
    case frequencyCap = "frequency_cap"
    case rateLimit = "rate_limit"
    case attributionDays = "attribution_days"
    /// The tenant's language for localized content (DESIGN §15), a ``LocaleKey``.
    case locale
    case tracking
}

/// A tenant's own values for one channel (nil = not set).
public struct StoredSettings: Sendable, Hashable {
    public var quietHours: QuietHours?
    public var timezone: String?
    public var frequencyCap: FrequencyCap?
    public var rateLimit: Double?
    public var attributionDays: Int?
    /// The locale of customers whose appointments name none (DESIGN §15), normalized.
    public var locale: String?
    /// Click and open tracking (DESIGN §18).
    public var tracking: Tracking?

    public init(
        quietHours: QuietHours? = nil, timezone: String? = nil, frequencyCap: FrequencyCap? = nil, rateLimit: Double? = nil,
        attributionDays: Int? = nil, locale: String? = nil, tracking: Tracking? = nil
    ) {
        self.locale = locale
        self.quietHours = quietHours
        self.timezone = timezone
        self.frequencyCap = frequencyCap
        self.rateLimit = rateLimit
        self.attributionDays = attributionDays
        self.tracking = tracking
    }
}

/// A change to the stored settings: for each field, keep (absent), set, or reset to the default.
public enum SettingChange<Value: Sendable & Hashable>: Sendable, Hashable {
    case keep
    case set(Value)
    case reset
}

/// A validated `PUT /api/v1/settings`.
public struct SettingsUpdate: Sendable, Hashable {
    public var quietHours: SettingChange<QuietHours> = .keep
    public var timezone: SettingChange<String> = .keep
    public var frequencyCap: SettingChange<FrequencyCap> = .keep
    public var rateLimit: SettingChange<Double> = .keep
    public var attributionDays: SettingChange<Int> = .keep
    public var locale: SettingChange<String> = .keep
    public var tracking: SettingChange<Tracking> = .keep

    public init() {}
}

/// The settings that apply to a tenant's channel: its own values, then the service's
/// environment, then the defaults — a pure value, so the rules are tested as values.
public struct ChannelSettings: Sendable, Hashable {
    public var quietHours: EffectiveSetting<QuietHours>
    public var timezone: EffectiveSetting<String?>
    public var frequencyCap: EffectiveSetting<FrequencyCap?>
    public var rateLimit: EffectiveSetting<Double?>
    public var attributionDays: EffectiveSetting<Int>
    /// The tenant's locale (§15); the default (null) falls back to WordPress' `WPLANG`.
    public var locale: EffectiveSetting<String?>
    public var tracking: EffectiveSetting<Tracking>

    public static let defaultAttributionDays = 7

    /// `environmentQuietHours`: `BKNTC_QUIET_HOURS` when set (nil = not set, `.never` = off);
    /// `environmentRate`: `BKNTC_RATE_LIMIT`, which a tenant's value may only lower.
    public init(stored: StoredSettings, environmentQuietHours: QuietHours?, environmentRate: Double?) {
        if let own = stored.quietHours {
            quietHours = EffectiveSetting(own, .tenant)
        } else if let environment = environmentQuietHours {
            quietHours = EffectiveSetting(environment, .environment)
        } else {
            quietHours = EffectiveSetting(.standard, .default)
        }
        timezone = stored.timezone.map { EffectiveSetting($0, .tenant) } ?? EffectiveSetting(nil, .default)
        frequencyCap = stored.frequencyCap.map { EffectiveSetting($0, .tenant) } ?? EffectiveSetting(nil, .default)
        switch (stored.rateLimit, environmentRate) {
        case (let own?, let environment?):
            rateLimit = own < environment ? EffectiveSetting(own, .tenant) : EffectiveSetting(environment, .environment)
        case (let own?, nil): rateLimit = EffectiveSetting(own, .tenant)
        case (nil, let environment?): rateLimit = EffectiveSetting(environment, .environment)
        case (nil, nil): rateLimit = EffectiveSetting(nil, .default)
        }
        locale = stored.locale.map { EffectiveSetting($0, .tenant) } ?? EffectiveSetting(nil, .default)
        attributionDays =
            stored.attributionDays.map { EffectiveSetting($0, .tenant) }
            ?? EffectiveSetting(Self.defaultAttributionDays, .default)
        tracking = stored.tracking.map { EffectiveSetting($0, .tenant) } ?? EffectiveSetting(.standard, .default)
    }
}

extension QuietHours {
    /// 00:00–24:00: never hold (what `BKNTC_QUIET_HOURS=off` means).
    public static let never = QuietHours(start: 0, end: 1440)!
}

extension StoredSettings {
    /// Each of the tenant's own values as JSON (null = not set), by setting name.
    public var jsonValues: [SettingName: JSONValue] {
        [
            .quietHours: quietHours.map { .object(["start": .string($0.startText), "end": .string($0.endText)]) } ?? .null,
            .timezone: timezone.map(JSONValue.string) ?? .null,
            .frequencyCap: frequencyCap.map { .object(["max": .number(Double($0.max)), "days": .number(Double($0.days))]) } ?? .null,
            .rateLimit: rateLimit.map(JSONValue.number) ?? .null,
            .attributionDays: attributionDays.map { .number(Double($0)) } ?? .null,
            .locale: locale.map(JSONValue.string) ?? .null,
            .tracking: tracking?.json ?? .null,
        ]
    }

    /// The audit detail of a settings change: every setting whose stored value changed, with its
    /// old and new value (null = the default).
    public static func auditChanges(from old: StoredSettings, to new: StoredSettings) -> [String: JSONValue] {
        let before = old.jsonValues
        let after = new.jsonValues
        var changes: [String: JSONValue] = [:]
        for name in SettingName.allCases where before[name] != after[name] {
            changes[name.rawValue] = .object(["old": before[name] ?? .null, "new": after[name] ?? .null])
        }
        return ["changes": .object(changes)]
    }
}
