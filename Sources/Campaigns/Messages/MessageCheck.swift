import Foundation

/// The content a message check renders for every recipient: a campaign's body, subject and
/// WhatsApp template variables on its channel.
public struct MessageContent: Sendable, Hashable {
    public var channel: Channel
    public var body: String
    public var subject: String?
    public var contentVariables: [String: String]?
    /// Translations and the email's call to action (DESIGN §15).
    public var localized: LocalizedContent

    /// Creates the content to check.
    public init(
        channel: Channel, body: String, subject: String? = nil, contentVariables: [String: String]? = nil,
        localized: LocalizedContent = LocalizedContent()
    ) {
        self.localized = localized
        self.channel = channel
        self.body = body
        self.subject = subject
        self.contentVariables = contentVariables
    }

    /// The content of `campaign`.
    public init(_ campaign: Campaign) {
        self.init(
            channel: campaign.channel, body: campaign.body, subject: campaign.subject, contentVariables: campaign.contentVariables,
            localized: campaign.localized)
    }

    /// Whether an email body is HTML: decided from the template, before any value goes in.
    public var isHTML: Bool { channel == .email && MessageRenderer.looksLikeHTML(body) }

    /// The message `recipient` receives: shortcodes filled in as the engine fills them.
    public func personalized(for recipient: RecipientFields) -> PersonalizedMessage {
        let html = isHTML
        return PersonalizedMessage(
            subject: subject.map { MessageRenderer.renderSubject($0, for: recipient, channel: channel) },
            body: MessageRenderer.render(body, for: recipient, channel: channel, html: html),
            contentVariables: contentVariables.map { MessageRenderer.renderVariables($0, for: recipient, channel: channel) },
            isHTML: html,
            action: channel == .email ? localized.action.map { MessageRenderer.renderAction($0, for: recipient, channel: channel) } : nil)
    }

    /// Every text that shortcodes render into.
    var texts: [String] {
        var texts = [body]
        if let subject { texts.append(subject) }
        if let action = localized.action { texts += [action.label, action.url] }
        if let contentVariables {
            texts += contentVariables.keys.sorted().compactMap { contentVariables[$0] }
        }
        return texts
    }
}

/// One recipient's message with its shortcodes filled in.
public struct PersonalizedMessage: Sendable, Hashable {
    public var subject: String?
    public var body: String
    public var contentVariables: [String: String]?
    /// Whether the body is HTML (email; decided from the template).
    public var isHTML: Bool
    /// The email's button, its label and URL personalized (DESIGN §15).
    public var action: CallToAction? = nil
}

/// The SMS cost of a campaign over its whole audience (DESIGN §21): segments summed over every
/// recipient's rendered text, the largest message, and how many recipients' texts need UCS-2.
public struct SegmentTotals: Sendable, Hashable, Codable {
    public var total = 0
    public var max = 0
    public var ucs2Recipients = 0

    /// Totals as given (empty by default).
    public init(total: Int = 0, max: Int = 0, ucs2Recipients: Int = 0) {
        self.total = total
        self.max = max
        self.ucs2Recipients = ucs2Recipients
    }

    /// Adds one recipient's rendered text.
    public mutating func add(_ info: SMSInfo) {
        total += info.segments
        max = Swift.max(max, info.segments)
        if info.encoding == .ucs2 { ucs2Recipients += 1 }
    }
}

/// What a message becomes across its whole audience, before anybody is sent anything (DESIGN
/// §21): for each shortcode used without a fallback, how many recipients would see it empty;
/// the SMS segments every recipient's text costs; and how many recipients quiet hours would
/// hold now, until when. A value: the store feeds it recipients, and tests feed it by hand.
public struct MessageCheck: Sendable, Hashable {
    /// The content every recipient's message is rendered from.
    public let content: MessageContent
    /// How many recipients have an empty value, by shortcode (without braces); every shortcode
    /// the content uses without a fallback is present, with 0 when nobody misses it.
    public private(set) var missing: [String: Int]
    /// The SMS cost (SMS and WhatsApp only; nil for email).
    public private(set) var segments: SegmentTotals?
    /// How many recipients quiet hours would hold if the message went out now.
    public private(set) var held = 0
    /// When the last of the held recipients' windows opens (nil when nobody is held).
    public private(set) var heldUntil: Date?
    /// How many recipients were checked.
    public private(set) var recipients = 0

    /// With click tracking on, `BKNTC_PUBLIC_URL`: texts are measured with their links as the
    /// short links they become (DESIGN §18).
    public var shortLinkBase: String?

    /// The base text's shortcodes without a fallback, and each translation's (DESIGN §15).
    private let shortcodes: [String]
    private let variantShortcodes: [String: [String]]

    /// An empty check of `content`.
    public init(content: MessageContent) {
        self.content = content
        self.shortcodes = MessageRenderer.shortcodesWithoutFallback(in: content.texts)
        var variants: [String: [String]] = [:]
        for locale in content.localized.locales {
            variants[locale.rawValue] = MessageRenderer.shortcodesWithoutFallback(in: content.variant(locale.rawValue).texts)
        }
        self.variantShortcodes = variants
        let used = Set(shortcodes).union(variants.values.joined())
        self.missing = Dictionary(uniqueKeysWithValues: used.map { ($0, 0) })
        self.segments = content.channel.usesPhone ? SegmentTotals() : nil
    }

    /// Adds one recipient, who gets the variant `locale` (a key of the translations; nil = the
    /// base text); `heldUntil` is when quiet hours would release them (nil = not held).
    public mutating func add(_ recipient: RecipientFields, locale: String? = nil, heldUntil release: Date? = nil) {
        recipients += 1
        for name in locale.flatMap({ variantShortcodes[$0] }) ?? shortcodes {
            if let value = MessageRenderer.value(of: name, for: recipient, channel: content.channel), MessageRenderer.isBlank(value) {
                missing[name, default: 0] += 1
            }
        }
        if segments != nil {
            var body = content.variant(locale).personalized(for: recipient).body
            if let base = shortLinkBase { body = LinkRewriter.withShortLinkLengths(body, base: base) }
            segments?.add(SMSEncoding.analyze(body))
        }
        if let release {
            held += 1
            heldUntil = Swift.max(heldUntil ?? release, release)
        }
    }
}

/// Every recipient of an audience (or of a campaign's snapshot) with the zones quiet hours
/// would use for them (DESIGN §6): the whole audience, for checks a sample cannot answer.
public struct AudienceMembers: Sendable {
    public var recipients: [Recipient]
    /// Each customer's own zone (their latest appointment's `client_timezone`), by customer id;
    /// empty unless asked for.
    public var zones: [Int: TimeZone]
    /// Everybody else's zone: the tenant's setting, WordPress', else UTC.
    public var fallbackZone: TimeZone

    /// Creates the members of an audience.
    public init(recipients: [Recipient], zones: [Int: TimeZone] = [:], fallbackZone: TimeZone = TimeZone(secondsFromGMT: 0)!) {
        self.recipients = recipients
        self.zones = zones
        self.fallbackZone = fallbackZone
    }

    /// The zone quiet hours use for `recipient`.
    public func zone(of recipient: Recipient) -> TimeZone {
        zones[recipient.customerID] ?? fallbackZone
    }
}

extension MessageCheck {
    /// Checks `content` against every member; `window` is the allowed window of quiet hours
    /// (nil, or one that never holds, = nobody is held), evaluated at `now` as the engine does.
    /// `shortLinkBase`: see ``MessageCheck/shortLinkBase``.
    public static func run(
        _ content: MessageContent, members: AudienceMembers, window: QuietHours?, now: Date, shortLinkBase: String? = nil
    ) -> MessageCheck {
        var check = MessageCheck(content: content)
        check.shortLinkBase = content.contentVariables == nil ? shortLinkBase : nil
        let holds = content.channel.usesPhone ? window.flatMap { $0.neverHolds ? nil : $0 } : nil
        for recipient in members.recipients {
            let release = holds?.nextOpening(after: now, in: members.zone(of: recipient))
            check.add(recipient.fields(for: content.channel), locale: recipient.locale, heldUntil: release)
        }
        return check
    }
}
