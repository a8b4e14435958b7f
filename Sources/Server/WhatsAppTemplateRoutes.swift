import Campaigns
import Foundation
import Hummingbird

/// `GET /api/v1/whatsapp-templates`: the tenant's WhatsApp templates from its Twilio account,
/// for the editor to offer by name with their variables as fields (DESIGN §21: no Content SID
/// to type). With the outbox provider the list is empty and the editor asks for the SID.
extension APIRoutes {
    static func registerWhatsAppTemplates(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        api.on(.get, "whatsapp-templates", .capability(.read)) { _, context in
            try context.require(.read, on: .whatsapp)
            guard let source = deps.whatsappTemplates else { return jsonResponse(WhatsAppTemplatesBody(items: [])) }
            switch await source.templates(scope: try context.scope()) {
            case .listed(let templates):
                return jsonResponse(WhatsAppTemplatesBody(items: templates.map(WhatsAppTemplateBody.init)))
            case .notConfigured(let problem):
                throw APIError(.conflict, code: .providerNotConfigured, message: problem)
            case .unavailable(let reason):
                throw APIError(
                    .badGateway, code: .providerError,
                    message: "Twilio did not list your WhatsApp templates (\(reason)). Try again in a minute.")
            }
        }
    }
}

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
