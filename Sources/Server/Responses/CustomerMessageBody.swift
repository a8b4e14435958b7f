import Campaigns
import Foundation

/// One message of a customer's history.
struct CustomerMessageBody: Encodable {
    let campaignId: Int
    let campaignName: String
    let kind: String
    let channel: String
    let address: String
    let status: String
    let sentAt: Nullable<Date>
    let lastError: Nullable<String>
    /// Engagement (DESIGN §18).
    let clickedAt: Nullable<Date>
    let clicks: Int
    let openedAt: Nullable<Date>

    init(_ message: CustomerMessage) {
        clickedAt = Nullable(message.engagement.clickedAt)
        clicks = message.engagement.clicks
        openedAt = Nullable(message.engagement.openedAt)
        campaignId = message.campaignID
        campaignName = message.campaignName
        kind = message.kind.rawValue
        channel = message.channel.rawValue
        address = message.address
        status = message.status.rawValue
        sentAt = Nullable(message.sentAt)
        lastError = Nullable(message.lastError)
    }
}
