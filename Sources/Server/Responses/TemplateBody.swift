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
    /// Translations by locale (DESIGN §15), `{}` when there are none (`I18N`: the encoder writes `_i18n`).
    let subjectI18N: [String: String]
    let bodyI18N: [String: String]
    let actionLabelI18N: [String: String]
    /// The email's button, null without one.
    let actionLabel: Nullable<String>
    let actionUrl: Nullable<String>
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
        subjectI18N = t.localized.subjects
        bodyI18N = t.localized.bodies
        actionLabelI18N = t.localized.actionLabels
        actionLabel = Nullable(t.localized.action?.label)
        actionUrl = Nullable(t.localized.action?.url)
        createdAt = t.createdAt
        updatedAt = t.updatedAt
    }
}
