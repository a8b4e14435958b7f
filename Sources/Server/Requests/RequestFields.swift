import Campaigns
import Foundation

/// Field-level validation shared by request bodies.
enum RequestFields {
    static func channel(_ json: JSONValue?, field: String = "channel") throws(DomainError) -> Channel {
        guard case .string(let raw)? = json else {
            throw .validation(field: field, message: "Choose a channel: SMS, WhatsApp or email.")
        }
        guard let channel = Channel(rawValue: raw) else {
            throw .validation(field: field, message: "Choose a channel: SMS, WhatsApp or email.")
        }
        return channel
    }

    /// A string field; trimmed unless `trim` is false; nil when absent and not required.
    static func text(
        _ json: JSONValue?, field: String, maxLength: Int, required: Bool, trim: Bool = true
    ) throws(DomainError) -> String? {
        guard let json, json != .null else {
            if required { throw .validation(field: field, message: "is required") }
            return nil
        }
        guard case .string(let raw) = json else { throw .validation(field: field, message: "must be text") }
        let value = trim ? raw.trimmingCharacters(in: .whitespacesAndNewlines) : raw
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            if required { throw .validation(field: field, message: "is required") }
            return nil
        }
        // The database counts code points, not grapheme clusters ("é" may be two).
        if value.unicodeScalars.count > maxLength {
            throw .validation(field: field, message: "must be at most \(maxLength) characters")
        }
        return value
    }

    /// ISO-8601 (with or without fractional seconds) or epoch seconds.
    static func date(_ json: JSONValue) -> Date? {
        switch json {
        case .number(let seconds): return Date(timeIntervalSince1970: seconds)
        case .string(let text):
            let plain = ISO8601DateFormatter()
            if let date = plain.date(from: text) { return date }
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return fractional.date(from: text)
        default: return nil
        }
    }
}
