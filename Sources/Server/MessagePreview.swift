import Campaigns
import Foundation
import Messaging

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
        let base = try await shortLinkBase(scope: scope, channel: content.channel)
        let check = MessageCheck.run(content, members: members, window: window, now: now, shortLinkBase: base)
        var quota: MessageCheckBody.QuotaBody?
        if content.channel == .sms, let plan = try await deps.testSends.smsQuota(scope: scope, now: now) {
            quota = .init(limit: plan.limit, used: plan.used, left: plan.remaining)
        }
        return MessageCheckBody(
            missing: check.missing, segments: check.segments,
            quietHours: content.channel.usesPhone ? .init(held: check.held, until: check.heldUntil) : nil, quota: quota)
    }

    /// `BKNTC_PUBLIC_URL` when the channel's links become tracked short links (DESIGN §18):
    /// SMS and WhatsApp texts are then measured at the short links' length.
    func shortLinkBase(scope: TenantScope, channel: Channel) async throws -> String? {
        guard channel.usesPhone, let publicURL = deps.publicURL, !publicURL.isEmpty else { return nil }
        let stored = try await deps.channelSettings.stored(scope: scope, channel: channel)
        return (stored.tracking ?? .standard).clicks ? publicURL : nil
    }

    /// The allowed window that holds messages on `channel` now (nil for email, or none): only
    /// with one are the recipients' zones worth reading.
    func quietHours(scope: TenantScope, channel: Channel) async throws -> QuietHours? {
        guard channel.usesPhone else { return nil }
        let stored = try await deps.channelSettings.stored(scope: scope, channel: channel)
        let window = ChannelSettings(stored: stored, environmentQuietHours: deps.environmentQuietHours, environmentRate: deps.environmentRateLimit)
            .quietHours.value
        return window.neverHolds ? nil : window
    }

    /// `recipient`'s message; `campaignID` names the campaign in the unsubscribe link (nil for an
    /// unsaved draft), as the sender would.
    func message(
        _ content: MessageContent, for recipient: Recipient, scope: TenantScope, campaignID: Int?, masked: Bool, shortLinkBase: String? = nil
    ) -> PreviewMessageBody {
        let personal = content.variant(recipient.locale).personalized(for: recipient.fields(for: content.channel))
        let shown = RecipientBody(recipient, masked: masked)
        var text: String?
        var html: String?
        var size: SMSInfo?
        if content.channel == .email {
            let parts = EmailComposer.parts(
                of: EmailContent(
                    fromAddress: "", to: recipient.address, subject: personal.subject ?? "", body: personal.body,
                    unsubscribeURL: unsubscribeURL(scope: scope, address: recipient.address, campaignID: campaignID),
                    date: deps.clock.now(), messageID: "preview", language: recipient.locale, isHTML: personal.isHTML,
                    action: personal.action))
            text = parts.text
            html = parts.html
        } else {
            let sent = shortLinkBase.map { LinkRewriter.withShortLinkLengths(personal.body, base: $0) } ?? personal.body
            size = SMSEncoding.analyze(sent)
        }
        return PreviewMessageBody(
            customerId: recipient.customerID, name: shown.name, address: shown.address, subject: personal.subject,
            body: personal.body, text: text, html: html, segments: size?.segments, encoding: size?.encoding,
            contentVariables: personal.contentVariables, locale: Nullable(recipient.locale))
    }

    /// The unsubscribe page the email would link to, when a public URL is configured.
    private func unsubscribeURL(scope: TenantScope, address: String, campaignID: Int?) -> String? {
        guard let publicURL = deps.publicURL else { return nil }
        let token = UnsubscribeToken(scope: scope, channel: .email, address: address, campaignID: campaignID)
        return publicURL + "/unsubscribe/" + token.encoded(keys: keys)
    }
}
