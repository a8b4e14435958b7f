import Campaigns
import Foundation

/// `GET /api/v1/whatsapp-templates`.
struct WhatsAppTemplatesBody: Encodable {
    let items: [WhatsAppTemplateBody]
}

/// A template as the editor shows it: its name, text and the variables to fill in.
struct WhatsAppTemplateBody: Encodable {
    struct Variable: Encodable {
        let name: String
        let example: String
    }

    let sid: String
    let name: String
    let language: String?
    let body: String?
    let variables: [Variable]
    /// `approved`, `pending`, `rejected`, `unsubmitted` or `other`.
    let approval: String

    init(_ template: WhatsAppTemplate) {
        sid = template.sid
        name = template.name
        language = template.language
        body = template.body
        variables = template.variables.map { Variable(name: $0.name, example: $0.example) }
        approval = template.approval.rawValue
    }
}
