import Campaigns
import Foundation

/// A validated `POST /api/v1/test-send` (DESIGN §7).
struct TestSendRequest {
    var channel: Channel
    var to: String
    var body: String
    var subject: String?
    /// The email's button (DESIGN §15), so a test shows the message as recipients will see it.
    var action: CallToAction?

    static func parse(_ json: JSONValue) throws(DomainError) -> TestSendRequest {
        guard case .object(let object) = json else { throw .validation(field: "body", message: "The request must be a JSON object.") }
        let channel = try RequestFields.channel(object["channel"])
        let to = try RequestFields.text(object["to"], field: "to", maxLength: 254, required: true) ?? ""
        let body = try RequestFields.text(object["body"], field: "body", maxLength: 65_535, required: true, trim: false) ?? ""
        var subject = try RequestFields.text(object["subject"], field: "subject", maxLength: 998, required: false)
        if channel == .email {
            guard subject != nil else { throw .validation(field: "subject", message: "Enter a subject: every email needs one.") }
        } else {
            subject = nil
        }
        let action = try LocalizedContentRequest.validated(from: object, channel: channel).action
        return TestSendRequest(channel: channel, to: to, body: body, subject: subject, action: action)
    }
}

/// A validated `POST /api/v1/manual-send` (DESIGN §7): customer ids, pasted addresses, or both.
struct ManualSendRequest {
    var draft: ManualSendDraft
    var customerIDs: [Int]
    var addresses: String?

    static func parse(_ json: JSONValue, now: Date) throws(DomainError) -> ManualSendRequest {
        guard case .object(let object) = json else { throw .validation(field: "body", message: "The request must be a JSON object.") }
        let channel = try RequestFields.channel(object["channel"])
        let body = try RequestFields.text(object["body"], field: "body", maxLength: 65_535, required: true, trim: false) ?? ""
        var subject = try RequestFields.text(object["subject"], field: "subject", maxLength: 998, required: false)
        if channel == .email {
            guard subject != nil else { throw .validation(field: "subject", message: "Enter a subject: every email needs one.") }
        } else {
            subject = nil
        }
        var ids: [Int] = []
        switch object["customer_ids"] {
        case nil, .null?:
            break
        case .array(let items)?:
            guard items.count <= ManualRecipients.limit else {
                throw .validation(field: "customer_ids", message: "may list at most \(ManualRecipients.limit) customers")
            }
            for item in items {
                guard case .number(let value) = item, value >= 1, value <= 9_007_199_254_740_991, value.rounded() == value else {
                    throw .validation(field: "customer_ids", message: "must be an array of customer ids (positive whole numbers)")
                }
                ids.append(Int(value))
            }
        default:
            throw .validation(field: "customer_ids", message: "must be an array of customer ids")
        }
        let addresses = try RequestFields.text(object["addresses"], field: "addresses", maxLength: 1_000_000, required: false)
        if ids.isEmpty && addresses == nil {
            throw .validation(field: "customer_ids", message: "Choose at least one customer or enter at least one address to send to.")
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let defaultName = "Manual send \(formatter.string(from: now)) UTC"
        let name = try RequestFields.text(object["name"], field: "name", maxLength: 190, required: false) ?? defaultName
        var confirmDuplicate = false
        switch object["confirm_duplicate"] {
        case nil, .null?: break
        case .bool(let flag)?: confirmDuplicate = flag
        default: throw .validation(field: "confirm_duplicate", message: "must be true or false")
        }
        let action = try LocalizedContentRequest.validated(from: object, channel: channel).action
        return ManualSendRequest(
            draft: ManualSendDraft(
                channel: channel, name: name, subject: subject, body: body, action: action, confirmDuplicate: confirmDuplicate),
            customerIDs: ids, addresses: addresses)
    }
}
