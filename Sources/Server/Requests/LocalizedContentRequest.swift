import Campaigns
import Foundation

/// Reads DESIGN §15's fields of a campaign or template body: `subject_i18n`, `body_i18n`,
/// `action_label_i18n` (objects keyed by locale), `action_label` and `action_url` (email).
/// Every error names its field.
enum LocalizedContentRequest {
    /// At most this many locales per field.
    static let maxLocales = 50

    static func validated(from object: [String: JSONValue], channel: Channel) throws(DomainError) -> LocalizedContent {
        var content = LocalizedContent()
        content.bodies = try variants(object["body_i18n"], field: "body_i18n", maxLength: 65_535, trim: false)
        // Subjects and buttons exist on email only; other channels ignore them, as they do `subject`.
        guard channel == .email else { return content }
        content.subjects = try variants(object["subject_i18n"], field: "subject_i18n", maxLength: 998, trim: true)
        content.actionLabels = try variants(object["action_label_i18n"], field: "action_label_i18n", maxLength: 190, trim: true)
        let label = try RequestFields.text(object["action_label"], field: "action_label", maxLength: 190, required: false)
        let url = try RequestFields.text(object["action_url"], field: "action_url", maxLength: 2048, required: false)
        if let url, !MessageRenderer.isActionURL(url) {
            throw .validation(
                field: "action_url", message: "Enter the button's web address starting with https:// or http://, e.g. https://example.com/book.")
        }
        switch (label, url) {
        case (let label?, let url?): content.action = CallToAction(label: label, url: url)
        case (nil, nil):
            if !content.actionLabels.isEmpty {
                throw .validation(field: "action_label", message: "Enter the button's label and web address before translating the label.")
            }
        case (nil, _?): throw .validation(field: "action_label", message: "Enter the button's label, e.g. Book now, or remove its web address.")
        case (_?, nil): throw .validation(field: "action_url", message: "Enter the button's web address, or remove its label.")
        }
        return content
    }

    /// An object of texts keyed by locale; keys normalized (`pt-br` → `pt_BR`), an empty text
    /// left out, the same locale spelled twice refused.
    static func variants(_ json: JSONValue?, field: String, maxLength: Int, trim: Bool) throws(DomainError) -> [String: String] {
        guard let json, json != .null else { return [:] }
        guard case .object(let map) = json else {
            throw .validation(field: field, message: "must be an object of texts by locale, e.g. {\"de\":\"…\",\"pt_BR\":\"…\"}")
        }
        guard map.count <= maxLocales else { throw .validation(field: field, message: "at most \(maxLocales) locales") }
        var result: [String: String] = [:]
        for key in map.keys.sorted() {
            guard let locale = LocaleKey(parsing: key) else {
                throw .validation(
                    field: field, message: "\"\(key.prefix(40))\" is not a locale; use a language like de or a language and region like pt_BR")
            }
            guard let text = try RequestFields.text(map[key], field: field, maxLength: maxLength, required: false, trim: trim) else {
                continue
            }
            if result[locale.rawValue] != nil {
                throw .validation(field: field, message: "\(locale.rawValue) is given twice (\"-\" and \"_\" are the same)")
            }
            result[locale.rawValue] = text
        }
        return result
    }

    /// Shortcode warnings of the translations, as answers carry them for the base text.
    static func warnings(_ content: LocalizedContent) -> [String] {
        var warnings: [String] = []
        for (field, map) in [("body_i18n", content.bodies), ("subject_i18n", content.subjects)] {
            for key in map.keys.sorted() {
                warnings += MessageRenderer.unknownShortcodes(in: map[key] ?? "").map { "unknown shortcode \($0) in \(field).\(key)" }
            }
        }
        if let action = content.action {
            warnings += MessageRenderer.unknownShortcodes(in: action.url).map { "unknown shortcode \($0) in action_url" }
        }
        return warnings
    }
}
