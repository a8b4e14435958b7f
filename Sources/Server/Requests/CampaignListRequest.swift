import Campaigns
import Hummingbird

/// The filters of `GET /api/v1/campaigns` and of a campaign's logs.
enum CampaignListRequest {
    /// `?status=` of a campaign.
    static func status(_ request: Request) throws -> CampaignStatus? {
        try value(request, "status")
    }

    /// `?kind=` of a campaign.
    static func kind(_ request: Request) throws -> CampaignKind? {
        try value(request, "kind")
    }

    /// `?broadcast_id=`: the campaigns of one broadcast (DESIGN §14).
    static func broadcastID(_ request: Request) throws -> Int? {
        guard let raw = request.queryString("broadcast_id") else { return nil }
        guard let id = Int(raw), id > 0 else { throw APIError.validation("broadcast_id", "must be a broadcast's id (a positive number)") }
        return id
    }

    /// `?status=` of a log row.
    static func logStatus(_ request: Request) throws -> LogStatus? {
        try value(request, "status")
    }

    private static func value<Value: RawRepresentable & CaseIterable>(_ request: Request, _ name: String) throws -> Value?
    where Value.RawValue == String {
        guard let raw = request.queryString(name) else { return nil }
        guard let parsed = Value(rawValue: raw) else {
            throw APIError.validation(name, "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }
}

/// A chosen template fills in a campaign body's missing message (and subject for email).
struct CampaignTemplateDefaults {
    let templates: any TemplateRepository

    func applied(to json: JSONValue, _ context: AppRequestContext) async throws -> JSONValue {
        guard case .object(var object) = json, let id = object["template_id"]?.integerValue else { return json }
        let missingBody = object["body"] == nil || object["body"] == .null
        let missingSubject = object["subject"] == nil || object["subject"] == .null
        guard missingBody || missingSubject,
            let template = try await templates.get(scope: try context.scope(), id: id),
            template.channel.rawValue == object["channel"]?.stringValue
        else { return json }
        if missingBody { object["body"] = .string(template.body) }
        if missingSubject, let subject = template.subject { object["subject"] = .string(subject) }
        if missingBody {
            // The template's translations and button come with its text (DESIGN §15), unless given.
            let localized = template.localized
            let fields: [(String, JSONValue?)] = [
                ("body_i18n", Self.json(localized.bodies)), ("subject_i18n", Self.json(localized.subjects)),
                ("action_label_i18n", Self.json(localized.actionLabels)), ("action_label", localized.action.map { .string($0.label) }),
                ("action_url", localized.action.map { .string($0.url) }),
            ]
            for (field, value) in fields where object[field] == nil || object[field] == .null {
                if let value { object[field] = value }
            }
        }
        return .object(object)
    }

    private static func json(_ texts: [String: String]) -> JSONValue? {
        texts.isEmpty ? nil : .object(texts.mapValues(JSONValue.string))
    }
}
