import Campaigns
import Foundation

/// The body of `POST` and `PUT /api/v1/templates`.
enum TemplateRequest {
    static func draft(_ json: JSONValue) throws -> TemplateDraft {
        guard case .object(let object) = json else { throw APIError.validation("body", "The request must be a JSON object.") }
        let channel = try RequestFields.channel(json["channel"])
        let name = try RequestFields.text(json["name"], field: "name", maxLength: 190, required: true) ?? ""
        let body = try RequestFields.text(json["body"], field: "body", maxLength: 65_535, required: true, trim: false) ?? ""
        let subject = try RequestFields.text(json["subject"], field: "subject", maxLength: 998, required: channel == .email)
        let localized = try LocalizedContentRequest.validated(from: object, channel: channel)
        return TemplateDraft(channel: channel, name: name, subject: channel == .email ? subject : nil, body: body, localized: localized)
    }

    /// Shortcodes the renderer would not recognize.
    static func warnings(_ draft: TemplateDraft) -> [String] {
        MessageRenderer.shortcodeWarnings(body: draft.body, subject: draft.subject) + LocalizedContentRequest.warnings(draft.localized)
    }
}
