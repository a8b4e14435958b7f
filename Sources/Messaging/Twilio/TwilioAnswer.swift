import Campaigns
import Foundation

/// Reads Twilio's answer to a create-message request: a pure decision, tested as a value.
public enum TwilioAnswer {
    /// Error codes worth another try later (carrier or queue trouble on Twilio's side).
    static let retryableCodes: Set<Int> = [20429, 30001, 30003, 30008]
    /// 21610: the recipient replied STOP; the address is suppressed too.
    static let stopCode = 21610
    /// 63016: a free-form WhatsApp message outside the 24-hour customer service window.
    static let outsideWindowCode = 63016

    /// The outcome of an HTTP answer (`retryAfter`: the `Retry-After` header, if any). Its
    /// message is the generic one of ``ProviderRefusal`` (DESIGN §13); Twilio's own words are
    /// for the service's log (`providerText`).
    public static func outcome(status: Int, body: [UInt8], retryAfter: String?) -> SendOutcome {
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let code = (json?["code"] as? Int) ?? (json?["code"] as? String).flatMap { Int($0) }
        if (200..<300).contains(status) {
            if let sid = json?["sid"] as? String, !sid.isEmpty { return .sent(providerID: sid) }
            // Accepted, but without a sid to store: only a lookup can tell which message it was.
            return .unknown(code: .twilioNoSID, message: "Twilio accepted the message without a sid")
        }
        let label = code.map(ProviderCode.twilio) ?? .http(status)
        let message = ProviderRefusal.summary(label)
        if status == 429 || code == 20429 {
            return .throttled(code: label, retryAfter: retryAfter.flatMap(parseRetryAfter))
        }
        if let code, retryableCodes.contains(code) { return .retryable(code: label, message: message, retryAfter: nil) }
        if status >= 500 { return .retryable(code: label, message: message, retryAfter: retryAfter.flatMap(parseRetryAfter)) }
        return .permanent(code: label, message: message, suppress: code == stopCode)
    }

    /// Twilio's own description of a refusal, for the service's log (never shown to tenants).
    public static func providerText(_ body: [UInt8]) -> String {
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        return (json?["message"] as? String).map { String($0.prefix(300)) } ?? ""
    }

    /// Seconds from a `Retry-After` header (delta seconds, or an HTTP date is ignored).
    static func parseRetryAfter(_ value: String) -> TimeInterval? {
        guard let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return min(seconds, 3600)
    }

    /// Twilio's `date_created` (RFC 2822, e.g. `Wed, 18 Aug 2010 20:01:40 +0000`).
    static func parseDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.date(from: text)
    }

    /// A message of a list answer.
    struct ListedMessage: Sendable, Hashable {
        var sid: String
        var to: String
        var body: String?
        var created: Date?
    }

    /// The messages of a list answer and whether there is another page.
    static func listed(_ body: [UInt8]) -> (messages: [ListedMessage], nextPage: String?)? {
        guard let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
            let messages = json["messages"] as? [[String: Any]]
        else { return nil }
        let listed = messages.compactMap { item -> ListedMessage? in
            guard let sid = item["sid"] as? String, let to = item["to"] as? String else { return nil }
            return ListedMessage(sid: sid, to: to, body: item["body"] as? String, created: (item["date_created"] as? String).flatMap(parseDate))
        }
        let next = (json["next_page_uri"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        return (listed, next)
    }
}
