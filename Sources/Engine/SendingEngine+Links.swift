import Campaigns
import Foundation

/// Tracked links at send time (DESIGN §18): each message of a batch is rendered for its
/// recipient, then its links become `BKNTC_PUBLIC_URL/r/{code}`, one code per distinct URL of a
/// message; the batch's new codes are stored in one insert before any call is made.
extension SendingEngine {
    /// The batch's messages, tracked as the channel's setting says.
    func messages(for rows: [ClaimedRow], campaign: Campaign, tracking: Tracking, store: EngineStore) async throws -> [OutgoingMessage] {
        var messages = rows.map { Self.render($0, campaign: campaign) }
        let tracking = tracking.effective(for: campaign.channel)
        guard let base = configuration.publicURL, tracking.clicks || tracking.opens else { return messages }
        // Every email has an HTML part (a plain-text body gets one too): each carries the image.
        for index in messages.indices where tracking.opens { messages[index].trackOpens = true }
        guard tracking.clicks, let links = store.links, campaign.contentSID == nil else { return messages }
        let known = try await links.codes(logIDs: rows.map(\.id))
        // A taken code (about one in 10^17 per code) makes the whole batch draw new codes.
        for attempt in 1...5 {
            var fresh: [NewTrackedLink] = []
            let tracked = messages.map { message in
                Self.tracked(message, base: base, known: known[message.logID] ?? [:]) { link in
                    fresh.append(NewTrackedLink(scope: message.scope, logID: message.logID, campaignID: message.campaignID, link: link))
                }
            }
            do {
                try await links.insert(fresh, now: clock.now())
                return tracked
            } catch LinkStoreError.duplicateCode where attempt < 5 {
                continue
            }
        }
        return messages  // not reached: the last attempt throws
    }

    /// `message` with its links replaced: by the codes in `known`, and by new codes (reported to
    /// `minted`) for URLs not yet known; with `minted` nil, only known ones are used (a lookup
    /// after a crash renders the text that went out).
    public static func tracked(
        _ message: OutgoingMessage, base: String, known: [String: String], minted: ((TrackedLink) -> Void)?
    ) -> OutgoingMessage {
        var codes = known
        var used: [TrackedLink] = []
        let prefixes = [base + "/r/", base + "/unsubscribe/", base + "/t/"]
        let replace: (String) -> String? = { url in
            guard TrackedLink.isRedirectable(url), !prefixes.contains(where: { url.hasPrefix($0) }) else { return nil }
            let code: String
            if let existing = codes[url] {
                code = existing
            } else if let minted {
                code = ShortCode.make()
                codes[url] = code
                minted(TrackedLink(code: code, url: url))
            } else {
                return nil
            }
            if !used.contains(where: { $0.code == code }) { used.append(TrackedLink(code: code, url: url)) }
            return base + "/r/" + code
        }
        var message = message
        switch message.channel {
        case .email:
            if message.isHTML { message.body = LinkRewriter.rewriteHTML(message.body, replace) }
            // The §15 button is an `href` of the HTML part too (the composer draws it later).
            if let action = message.action, let short = replace(action.url) { message.action?.url = short }
        case .sms, .whatsapp:
            message.body = LinkRewriter.rewriteText(message.body, replace)
        }
        message.links = used
        return message
    }

    /// A message rendered as it went out: with the codes its row already has (crash recovery
    /// looks a message up by its text).
    func renderedAsSent(_ row: ClaimedRow, campaign: Campaign, store: EngineStore) async throws -> OutgoingMessage {
        let message = Self.render(row, campaign: campaign)
        guard let base = configuration.publicURL, let links = store.links, campaign.contentSID == nil, row.channel != .email else {
            return message
        }
        let known = try await links.codes(logIDs: [row.id])[row.id] ?? [:]
        return known.isEmpty ? message : Self.tracked(message, base: base, known: known, minted: nil)
    }
}
