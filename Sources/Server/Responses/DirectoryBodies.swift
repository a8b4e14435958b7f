import Campaigns
import Foundation

/// The pickers' answers: `{"items": [...]}`.
struct DirectoryBody<Item: Encodable>: Encodable {
    let items: [Item]
}

struct DirectoryEntryBody: Encodable {
    let id: Int
    let name: String
    let isActive: Bool

    init(_ entry: DirectoryEntry) {
        id = entry.id
        name = entry.name
        isActive = entry.isActive
    }
}

struct CustomerContactBody: Encodable {
    let id: Int
    let firstName: String?
    let lastName: String?
    let phone: String?
    let email: String?

    init(_ contact: CustomerContact) {
        id = contact.id
        firstName = contact.firstName
        lastName = contact.lastName
        phone = contact.phone
        email = contact.email
    }
}
