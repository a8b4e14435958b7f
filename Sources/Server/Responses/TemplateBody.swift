import Campaigns
import Foundation

/// A message template, with the shortcodes the renderer would not recognize after a change.
struct TemplateBody: Encodable {
    let id: Int
    let channel: String
    let name: String
    let subject: String?
    let body: String
    let builtin: Bool
    let createdAt: Date
    let updatedAt: Date
    let warnings: [String]?

    init(_ t: MessageTemplate, warnings: [String]? = nil) {
        self.warnings = warnings
        id = t.id
        channel = t.channel.rawValue
        name = t.name
        subject = t.subject
        body = t.body
        builtin = t.isBuiltin
        createdAt = t.createdAt
        updatedAt = t.updatedAt
    }
}
