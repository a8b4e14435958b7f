/// A recipient row's status (DESIGN §4).
public enum LogStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case pending, sending, sent, delivered, undelivered, failed, skipped

    /// Statuses that count as a message that reached the provider.
    public static let reached: [LogStatus] = [.sent, .delivered]
    /// Statuses after which the row is never touched by the engine again.
    public var isTerminal: Bool { self != .pending && self != .sending }
}

/// Why a row was `skipped` (its `last_error`).
public enum SkipReason: String, Sendable, Codable, CaseIterable, Hashable {
    case suppressed, cancelled
    case frequencyCap = "frequency_cap"
    case holdout
}

/// Why a campaign is in its status (`status_reason`).
public enum StatusReason: String, Sendable, Codable, CaseIterable, Hashable {
    case noRecipients = "no_recipients"
    case providerNotConfigured = "provider_not_configured"
    case quotaExhausted = "quota_exhausted"
}

/// Booknetic's appointment status slugs that the sidecar interprets (others are data).
public enum AppointmentStatus: String, Sendable, CaseIterable, Hashable {
    case pending, approved, canceled, rejected

    /// Statuses that do not count as an active appointment (DESIGN §5).
    public static let inactive: [AppointmentStatus] = [.canceled, .rejected]
    /// Statuses of a booking that will take place.
    public static let upcoming: [AppointmentStatus] = [.pending, .approved]
}

/// Where a suppression came from.
public enum SuppressionSource: String, Sendable, Codable, CaseIterable, Hashable {
    case manual, `import`
    case stopReply = "stop_reply"
    case unsubscribe
    case provider
}

/// Whether a campaign was composed (`campaign`) or is a one-off manual send (`manual`, DESIGN §7).
public enum CampaignKind: String, Sendable, Codable, CaseIterable, Hashable {
    case campaign, manual
}
