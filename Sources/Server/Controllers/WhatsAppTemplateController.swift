import Campaigns
import Foundation
import Hummingbird

/// `GET /api/v1/whatsapp-templates`: the tenant's WhatsApp templates from its Twilio account,
/// for the editor to offer by name with their variables as fields (DESIGN §21: no Content SID
/// to type). With the outbox provider the list is empty and the editor asks for the SID.
struct WhatsAppTemplateController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "whatsapp-templates", .capability(.read), use: list)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.requireCapability(on: .whatsapp)
        // With the outbox the source lists none (`NoWhatsAppTemplates`): the editor asks for the SID.
        switch await deps.whatsappTemplates.templates(scope: try context.scope()) {
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
