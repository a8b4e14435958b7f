import Campaigns
import Foundation
import Messaging

/// What previews add once they know the message (DESIGN §21): the whole audience's empty
/// shortcodes and SMS cost, who quiet hours would hold now and until when, and the plan's SMS
/// quota left; and the first recipients' messages exactly as they would receive them.
struct MessageCheckBody: Encodable {
    /// Recipients with an empty value, by shortcode used without a fallback.
    let missing: [String: Int]
    /// The SMS cost over the whole audience (SMS and WhatsApp).
    let segments: SegmentTotals?
    /// How many recipients quiet hours would hold if the message went out now, and when the
    /// last of them would go (SMS and WhatsApp).
    let quietHours: HeldBody?
    /// The month's SMS quota of the tenant's plan, where there is one (SMS; left out otherwise).
    let quota: QuotaBody?

    struct HeldBody: Encodable {
        let held: Int
        let until: Date?

        enum CodingKeys: String, CodingKey { case held, until }

        /// `until` is null, not left out, when nobody is held.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(held, forKey: .held)
            try container.encode(until, forKey: .until)
        }
    }

    struct QuotaBody: Encodable {
        let limit: Int
        let used: Int
        let left: Int
    }
}

/// One recipient's message as they would receive it: for email the text and HTML parts with
/// the unsubscribe footer, for SMS and WhatsApp the text with its size.
struct PreviewMessageBody: Encodable {
    let customerId: Int
    let name: String
    let address: String
    let subject: String?
    /// The rendered body as the template wrote it (HTML or text for email).
    let body: String
    /// Email: the plain-text part, footer included.
    let text: String?
    /// Email: the HTML part, footer included (show it in a sandboxed frame).
    let html: String?
    /// SMS and WhatsApp: the segments this recipient's text costs, and its encoding.
    let segments: Int?
    let encoding: SMSCharset?
    let contentVariables: [String: String]?
}

/// Builds preview answers from the dependencies the routes have.
struct MessagePreviewer {
    let deps: AppDependencies
    /// The keys unsubscribe links are signed with, derived once per preview.
    let keys: ServiceKeys

    init(deps: AppDependencies) {
        self.deps = deps
        self.keys = ServiceKeys(secret: deps.secret)
    }

    /// The check of `content` over `members` under `window` (``quietHours(scope:channel:)``,
    /// read once by the caller, who also needed it to know whether to read zones), with the
    /// tenant's quota now.
    func check(_ content: MessageContent, members: AudienceMembers, window: QuietHours?, scope: TenantScope) async throws
        -> MessageCheckBody
    {
        let now = deps.clock.now()
        let check = MessageCheck.run(content, members: members, window: window, now: now)
        var quota: MessageCheckBody.QuotaBody?
        if content.channel == .sms, let store = deps.testSends, let plan = try await store.smsQuota(scope: scope, now: now) {
            quota = .init(limit: plan.limit, used: plan.used, left: plan.remaining)
        }
        return MessageCheckBody(
            missing: check.missing, segments: check.segments,
            quietHours: content.channel.usesPhone ? .init(held: check.held, until: check.heldUntil) : nil, quota: quota)
    }

    /// The allowed window that holds messages on `channel` now (nil for email, or none): only
    /// with one are the recipients' zones worth reading.
    func quietHours(scope: TenantScope, channel: Channel) async throws -> QuietHours? {
        guard channel.usesPhone else { return nil }
        let stored = try await deps.channelSettings?.stored(scope: scope, channel: channel) ?? StoredSettings()
        let window = ChannelSettings(stored: stored, environmentQuietHours: deps.environmentQuietHours, environmentRate: deps.environmentRateLimit)
            .quietHours.value
        return window.neverHolds ? nil : window
    }

    /// `recipient`'s message; `campaignID` names the campaign in the unsubscribe link (nil for an
    /// unsaved draft), as the sender would.
    func message(_ content: MessageContent, for recipient: Recipient, scope: TenantScope, campaignID: Int?, masked: Bool)
        -> PreviewMessageBody
    {
        let personal = content.personalized(for: recipient.fields(for: content.channel))
        let shown = RecipientBody(recipient, masked: masked)
        var text: String?
        var html: String?
        var size: SMSInfo?
        if content.channel == .email {
            let parts = EmailComposer.parts(
                of: EmailContent(
                    fromAddress: "", to: recipient.address, subject: personal.subject ?? "", body: personal.body,
                    unsubscribeURL: unsubscribeURL(scope: scope, address: recipient.address, campaignID: campaignID),
                    date: deps.clock.now(), messageID: "preview", isHTML: personal.isHTML))
            text = parts.text
            html = parts.html
        } else {
            size = SMSEncoding.analyze(personal.body)
        }
        return PreviewMessageBody(
            customerId: recipient.customerID, name: shown.name, address: shown.address, subject: personal.subject,
            body: personal.body, text: text, html: html, segments: size?.segments, encoding: size?.encoding,
            contentVariables: personal.contentVariables)
    }

    /// The unsubscribe page the email would link to, when a public URL is configured.
    private func unsubscribeURL(scope: TenantScope, address: String, campaignID: Int?) -> String? {
        guard let publicURL = deps.publicURL else { return nil }
        let token = UnsubscribeToken(scope: scope, channel: .email, address: address, campaignID: campaignID)
        return publicURL + "/unsubscribe/" + token.encoded(keys: keys)
    }
}
