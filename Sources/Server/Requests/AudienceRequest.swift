import Campaigns
import Foundation

/// The body of `POST` and `PUT /api/v1/audiences` (DESIGN §16): `{"name","channel","segment",
/// "filters?"}`, read with the campaign body's rules, field names and messages.
enum AudienceRequest {
    static func draft(_ json: JSONValue) throws -> AudienceDraft {
        guard case .object = json else { throw APIError.validation("body", "The request must be a JSON object.") }
        let channel = try RequestFields.channel(json["channel"])
        let name = try RequestFields.text(json["name"], field: "name", maxLength: 190, required: true) ?? ""
        let segment = try Segment.validated(from: json["segment"])
        let filters = try SegmentFilters.validated(from: json["filters"])
        return AudienceDraft(name: name, channel: channel, segment: segment, filters: filters)
    }
}
