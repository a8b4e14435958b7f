import Campaigns
import Foundation

/// The options of `POST /api/v1/segments/preview` beside the audience: whether addresses are
/// masked, how many recipients are sampled, and the message to check, if any.
struct SegmentPreviewOptions {
    var masked: Bool
    var sampleSize = 20

    init(_ json: JSONValue, maskByDefault: Bool) throws {
        masked = maskByDefault
        if let raw = json["mask_addresses"], raw != .null {
            guard case .bool(let flag) = raw else { throw APIError.validation("mask_addresses", "must be true or false") }
            masked = flag
        }
        if let raw = json["sample_size"], raw != .null {
            guard let size = raw.integerValue, (1...100).contains(size) else {
                throw APIError.validation("sample_size", "must be between 1 and 100")
            }
            sampleSize = size
        }
    }

    /// The message a preview request carries (`body`, `subject`, `content_variables`), if any.
    static func content(_ json: JSONValue, channel: Channel) throws -> MessageContent? {
        guard let raw = json["body"], raw != .null else { return nil }
        guard let body = raw.stringValue else { throw APIError.validation("body", "Write the message as text.") }
        var subject: String?
        if let raw = json["subject"], raw != .null {
            guard let text = raw.stringValue else { throw APIError.validation("subject", "Write the subject as text.") }
            subject = text
        }
        var variables: [String: String]?
        if case .object(let object)? = json["content_variables"] {
            variables = object.compactMapValues(\.stringValue)
        }
        return MessageContent(
            channel: channel, body: body, subject: channel == .email ? subject : nil, contentVariables: variables,
            localized: try localized(json, channel: channel))
    }

    /// The translations and button a preview request carries (DESIGN §15), validated as a
    /// campaign's are.
    static func localized(_ json: JSONValue, channel: Channel) throws -> LocalizedContent {
        guard case .object(let object) = json else { return LocalizedContent() }
        return try LocalizedContentRequest.validated(from: object, channel: channel)
    }
}
