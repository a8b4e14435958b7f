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

    init(_ message: CustomerMessage) {
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
