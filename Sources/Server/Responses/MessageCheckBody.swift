import Campaigns
import Foundation

/// What previews add once they know the message (DESIGN §21): the whole audience's empty
/// shortcodes and SMS cost, who quiet hours would hold now and until when, and the plan's SMS
/// quota left; and the first recipients' messages exactly as they would receive them.
struct MessageCheckBody: Encodable {
    /// Recipients with an empty value, by shortcode used without a fallback.
    let missing: [String: Int]
    /// The SMS cost over the whole audience (SMS and WhatsApp).
    let segments: SegmentTotals?
    /// How many recipients quiet hours would hold if the message went out now, and when the
    /// last of them would go (SMS and WhatsApp).
    let quietHours: HeldBody?
    /// The month's SMS quota of the tenant's plan, where there is one (SMS; left out otherwise).
    let quota: QuotaBody?

    struct HeldBody: Encodable {
        let held: Int
        let until: Date?

        enum CodingKeys: String, CodingKey { case held, until }

        /// `until` is null, not left out, when nobody is held.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(held, forKey: .held)
            try container.encode(until, forKey: .until)
        }
    }

    struct QuotaBody: Encodable {
        let limit: Int
        let used: Int
        let left: Int
    }
}

/// One recipient's message as they would receive it: for email the text and HTML parts with
/// the unsubscribe footer, for SMS and WhatsApp the text with its size.
struct PreviewMessageBody: Encodable {
    let customerId: Int
    let name: String
    let address: String
    let subject: String?
    /// The rendered body as the template wrote it (HTML or text for email).
    let body: String
    /// Email: the plain-text part, footer included.
    let text: String?
    /// Email: the HTML part, footer included (show it in a sandboxed frame).
    let html: String?
    /// SMS and WhatsApp: the segments this recipient's text costs, and its encoding.
    let segments: Int?
    let encoding: SMSCharset?
    let contentVariables: [String: String]?
    /// The content variant this recipient gets (DESIGN §15), null for the base text.
    let locale: Nullable<String>
}
