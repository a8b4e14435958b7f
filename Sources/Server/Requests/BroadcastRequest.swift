import Campaigns
import Foundation

/// Reads a broadcast create/update body (DESIGN §14) into one campaign draft per channel.
///
/// Each channel's campaign is validated by the campaign rules themselves: the shared fields
/// (name, audience, schedule, …) and that channel's `content` object are merged into a campaign
/// body, so every content field a campaign accepts (and any added later, e.g. §15's `*_i18n`)
/// is accepted here without a list of its own; errors about content fields are renamed
/// `content.<channel>.<field>`.
extension BroadcastDraft {
    /// The fields every channel's campaign shares, taken from the top level.
    static let sharedFields: Set<String> = [
        "name", "channel", "segment", "filters", "audience_id", "scheduled_at", "recurrence", "repeat_rule", "holdout_percent",
    ]

    static func validated(from json: JSONValue, now: Date) throws(DomainError) -> BroadcastDraft {
        guard case .object(let object) = json else { throw .validation(field: "body", message: "The request must be a JSON object.") }
        let name = try RequestFields.text(object["name"], field: "name", maxLength: 190, required: true) ?? ""
        let channels = try channels(object["channels"])
        let mode = try mode(object["mode"])
        guard case .object(let content)? = object["content"] else {
            throw .validation(field: "content", message: "Write the message for each channel, e.g. {\"sms\":{\"body\":\"…\"}}.")
        }
        if let extra = content.keys.sorted().first(where: { key in !channels.contains { $0.rawValue == key } }) {
            throw .validation(field: "content.\(extra)", message: "is not one of the broadcast's channels")
        }
        var drafts: [CampaignDraft] = []
        for channel in channels {
            guard case .object(let message)? = content[channel.rawValue] else {
                throw .validation(field: "content.\(channel.rawValue)", message: "Write the \(channel.displayName) message.")
            }
            if let shared = message.keys.sorted().first(where: sharedFields.contains) {
                throw .validation(field: "content.\(channel.rawValue).\(shared)", message: "belongs to the whole broadcast, not to one channel")
            }
            var campaign = object.filter { sharedFields.contains($0.key) }
            campaign["channel"] = .string(channel.rawValue)
            campaign.merge(message) { _, new in new }
            do {
                drafts.append(try CampaignDraft.validated(from: .object(campaign), now: now))
            } catch {
                throw renamed(error, channel: channel)
            }
        }
        return BroadcastDraft(name: name, mode: mode, campaigns: drafts)
    }

    /// 2–3 distinct channels, in order.
    static func channels(_ json: JSONValue?) throws(DomainError) -> [Channel] {
        let message = "Choose two or three different channels, in the order to try them, e.g. [\"sms\",\"email\"]."
        guard case .array(let items)? = json, Broadcast.channelCount.contains(items.count) else {
            throw .validation(field: "channels", message: message)
        }
        var channels: [Channel] = []
        for (index, item) in items.enumerated() {
            let channel = try RequestFields.channel(item, field: "channels[\(index)]")
            guard !channels.contains(channel) else { throw .validation(field: "channels[\(index)]", message: message) }
            channels.append(channel)
        }
        return channels
    }

    static func mode(_ json: JSONValue?) throws(DomainError) -> BroadcastMode {
        guard case .string(let raw)? = json, let mode = BroadcastMode(rawValue: raw) else {
            throw .validation(
                field: "mode", message: "Choose all (every channel a customer can be reached on) or first (only the first of them).")
        }
        return mode
    }

    /// A campaign error about a content field, named under `content.<channel>`.
    static func renamed(_ error: DomainError, channel: Channel) -> DomainError {
        guard case .validation(let field, let message) = error else { return error }
        let head = String(field.prefix { $0 != "." && $0 != "[" })
        if sharedFields.contains(head) { return error }
        return .validation(field: "content.\(channel.rawValue).\(field)", message: message)
    }
}
