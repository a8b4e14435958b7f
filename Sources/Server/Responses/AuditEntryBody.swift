import Campaigns
import Foundation

/// One audit entry as answered.
struct AuditEntryBody: Encodable {
    let id: Int
    let at: Date
    let userId: Nullable<Int>
    let userName: Nullable<String>
    let action: String
    let objectType: String
    let objectId: Nullable<Int>
    let channel: Nullable<String>
    let detail: JSONValue

    init(_ view: AuditEntryView) {
        let entry = view.entry
        id = entry.id
        at = entry.at
        userId = Nullable(entry.userID)
        userName = Nullable(view.userName)
        action = entry.action.rawValue
        objectType = entry.objectType.rawValue
        objectId = Nullable(entry.objectID)
        channel = Nullable(entry.channel?.rawValue)
        detail = .object(entry.detail)
    }
}
