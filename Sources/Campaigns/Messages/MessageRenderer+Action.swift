import Foundation

extension MessageRenderer {
    /// The unreserved characters of RFC 3986 §2.3: everything else in a shortcode's value is
    /// percent-encoded when it goes into a URL (a space becomes `%20`, never `+`).
    static let urlUnreserved: CharacterSet = {
        var set = CharacterSet()
        set.insert(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return set
    }()

    /// A shortcode value (or an owner's fallback) made safe for any part of a URL.
    public static func percentEncoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: urlUnreserved) ?? ""
    }

    /// `template` (a URL) with its known shortcodes replaced by their percent-encoded values.
    public static func renderURL(_ template: String, for recipient: RecipientFields, channel: Channel) -> String {
        substitute(template) { name, fallback in
            guard let value = value(of: name, for: recipient, channel: channel) else { return nil }
            if let fallback, isBlank(value) { return percentEncoded(fallback) }
            return percentEncoded(value)
        }
    }

    /// The email button for `recipient` (DESIGN §15): the label rendered as text on one line
    /// (the composer escapes it for HTML), the URL with percent-encoded values.
    public static func renderAction(_ action: CallToAction, for recipient: RecipientFields, channel: Channel) -> CallToAction {
        CallToAction(
            label: singleLine(render(action.label, for: recipient, channel: channel)),
            url: renderURL(action.url, for: recipient, channel: channel))
    }

    /// Whether `url` may be a button's target: `http://` or `https://` (any case), a host, and
    /// no white space, control characters, quotes or angle brackets. Shortcodes (`{…}`) are
    /// allowed: their values are encoded when rendered.
    public static func isActionURL(_ url: String) -> Bool {
        let lower = url.lowercased()
        guard let schemeEnd = ["https://", "http://"].first(where: lower.hasPrefix)?.count else { return false }
        let rest = url.dropFirst(schemeEnd)
        guard let first = rest.first, first != "/", first != "?", first != "#" else { return false }
        return !url.unicodeScalars.contains {
            $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || "\"<>\\^`".unicodeScalars.contains($0)
        }
    }
}
