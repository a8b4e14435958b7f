import Foundation

/// One person a campaign would message.
public struct Recipient: Sendable, Hashable, Codable {
    public var customerID: Int
    public var address: String
    public var firstName: String?
    public var lastName: String?
    /// The content variant this recipient gets (DESIGN §15), when the reader chose one.
    public var locale: String?
    /// When the customer fell due to book again (epoch s), for a `rebook_due` audience (DESIGN §19).
    public var dueAt: Int?

    public init(customerID: Int, address: String, firstName: String?, lastName: String?, locale: String? = nil, dueAt: Int? = nil) {
        self.locale = locale
        self.dueAt = dueAt
        self.customerID = customerID
        self.address = address
        self.firstName = firstName
        self.lastName = lastName
    }

    /// "First Last", trimmed (may be empty).
    public var displayName: String {
        [firstName, lastName].compactMap { $0?.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// The fields personalization uses for this recipient on `channel`.
    public func fields(for channel: Channel) -> RecipientFields {
        RecipientFields(
            firstName: firstName, lastName: lastName, phone: channel.usesPhone ? address : nil,
            email: channel.usesPhone ? nil : address)
    }
}

/// The exact audience count and the first recipients by customer id.
public struct AudiencePreview: Sendable, Hashable {
    public var count: Int
    public var sample: [Recipient]
    /// How many recipients get each content variant (nil = the base text), when the audience
    /// was asked with translations (DESIGN §15); variants in key order, the base text first.
    public var locales: [LocaleCount]?

    public init(count: Int, sample: [Recipient], locales: [LocaleCount]? = nil) {
        self.locales = locales
        self.count = count
        self.sample = sample
    }
}

/// How many recipients of an audience get one content variant (DESIGN §15).
public struct LocaleCount: Sendable, Hashable {
    /// The variant's locale key; nil for the base text.
    public var locale: String?
    public var count: Int

    public init(locale: String?, count: Int) {
        self.locale = locale
        self.count = count
    }
}

/// A page of a list endpoint.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    public var page: Int
    public var perPage: Int

    public init(items: [Item], total: Int, page: Int, perPage: Int) {
        self.items = items
        self.total = total
        self.page = page
        self.perPage = perPage
    }
}

/// Paging input, clamped to 1…100 per page.
public struct PageRequest: Sendable, Hashable {
    public var page: Int
    public var perPage: Int

    public init(page: Int = 1, perPage: Int = 20) {
        self.page = max(1, page)
        self.perPage = min(100, max(1, perPage))
    }

    /// Rows to skip; saturates instead of overflowing for absurd page numbers.
    public var offset: Int {
        let (product, overflow) = (page - 1).multipliedReportingOverflow(by: perPage)
        return overflow ? Int.max : product
    }
}

/// An address that must never be messaged on a channel.
public struct Suppression: Sendable, Hashable {
    public var id: Int
    public var channel: Channel
    public var address: String
    public var reason: String?
    public var source: SuppressionSource
    public var createdAt: Date

    public init(id: Int, channel: Channel, address: String, reason: String?, source: SuppressionSource, createdAt: Date) {
        self.id = id
        self.channel = channel
        self.address = address
        self.reason = reason
        self.source = source
        self.createdAt = createdAt
    }
}

/// A message template: built-in (shared, read-only) or a tenant's own.
public struct MessageTemplate: Sendable, Hashable {
    public var id: Int
    public var channel: Channel
    public var name: String
    public var subject: String?
    public var body: String
    public var isBuiltin: Bool
    public var createdAt: Date
    public var updatedAt: Date
    /// Translations and the email's call to action (DESIGN §15).
    public var localized: LocalizedContent

    public init(
        id: Int, channel: Channel, name: String, subject: String?, body: String, isBuiltin: Bool, createdAt: Date,
        updatedAt: Date, localized: LocalizedContent = LocalizedContent()
    ) {
        self.localized = localized
        self.id = id
        self.channel = channel
        self.name = name
        self.subject = subject
        self.body = body
        self.isBuiltin = isBuiltin
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Validated template input.
public struct TemplateDraft: Sendable, Hashable {
    public var channel: Channel
    public var name: String
    public var subject: String?
    public var body: String
    /// Translations and the email's call to action (DESIGN §15).
    public var localized: LocalizedContent

    public init(channel: Channel, name: String, subject: String?, body: String, localized: LocalizedContent = LocalizedContent()) {
        self.localized = localized
        self.channel = channel
        self.name = name
        self.subject = subject
        self.body = body
    }
}
