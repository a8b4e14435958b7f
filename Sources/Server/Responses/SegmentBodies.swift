import Campaigns
import Foundation

/// `GET /api/v1/segments`: the segment types.
struct SegmentTypesBody: Encodable {
    struct Item: Encodable {
        let type: String
        let label: String
        let defaultDays: Int?
        let suggestedDays: [Int]

        init(_ type: SegmentType) {
            self.type = type.rawValue
            label = type.label
            defaultDays = type.defaultDays
            suggestedDays = type.suggestedDays
        }
    }

    let items: [Item]
}

/// `POST /api/v1/segments/preview`: the audience's size and sample; with a message, its check
/// and the first messages (left out when addresses are masked).
struct SegmentPreviewBody: Encodable {
    let count: Int
    let sample: [RecipientBody]
    var sms: SMSInfo?
    var missing: [String: Int]?
    var segments: SegmentTotals?
    var quietHours: MessageCheckBody.HeldBody?
    var quota: MessageCheckBody.QuotaBody?
    var messages: [PreviewMessageBody]?
    /// With translations (DESIGN §15): how many recipients get each variant, null for the base text.
    var locales: [LocaleCountBody]? = nil
}

/// One content variant of a preview and how many recipients get it (DESIGN §15).
struct LocaleCountBody: Encodable {
    let locale: Nullable<String>
    let count: Int

    init(_ count: LocaleCount) {
        locale = Nullable(count.locale)
        self.count = count.count
    }
}

/// `GET /api/v1/campaigns/{id}/preview-messages`: the first messages and the whole audience's check.
struct PreviewMessagesBody: Encodable {
    let items: [PreviewMessageBody]
    let missing: [String: Int]
    let segments: SegmentTotals?
    let quietHours: MessageCheckBody.HeldBody?
    let quota: MessageCheckBody.QuotaBody?
}
