import Foundation

/// Expands `{shortcode}` placeholders in message templates and prepares email headers.
///
/// A shortcode is `{` followed by one or more of `[A-Za-z0-9_]` and `}`, or by such a name, `|`,
/// a fallback (literal text without braces, at most 100 characters) and `}`:
/// `{customer_first_name|there}` renders `there` when the first name is empty. Known shortcodes
/// are replaced by the recipient's values; unknown ones are left in the text untouched.
public struct MessageRenderer: Sendable {
    /// The shortcodes that ``render(_:for:channel:html:)`` replaces, without braces.
    public static let knownShortcodes: [String] = [
        "customer_full_name",
        "customer_name",
        "customer_first_name",
        "customer_last_name",
        "customer_phone",
        "customer_email",
    ]

    private static let knownShortcodeSet = Set(knownShortcodes)

    /// Every `{token}` in `text` that looks like a shortcode but is not known, with its braces,
    /// unique and in order of first appearance.
    /// The warnings for unknown shortcodes in a body and an optional subject, as answers carry them.
    public static func shortcodeWarnings(body: String, subject: String?) -> [String] {
        unknownShortcodes(in: body).map { "unknown shortcode \($0) in body" }
            + unknownShortcodes(in: subject ?? "").map { "unknown shortcode \($0) in subject" }
    }

    public static func unknownShortcodes(in text: String) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        _ = substitute(text) { name, _ in
            if !knownShortcodeSet.contains(name) {
                let token = "{\(name)}"
                if seen.insert(token).inserted {
                    result.append(token)
                }
            }
            return nil
        }
        return result
    }

    /// Replaces the known shortcodes of `template` with the values of `recipient`.
    ///
    /// `{customer_full_name}` and `{customer_name}` expand to the trimmed first and last name
    /// joined by one space, falling back to the phone number (SMS, WhatsApp) or the email
    /// address (email) when both are empty. The other shortcodes expand to their value or "".
    ///
    /// - Parameter html: When `true`, every substituted value is HTML-escaped; the template
    ///   text itself is never escaped. When `false` (a plain-text template) values go in as
    ///   they are: the message carries `isHTML` from the template, so the email composer
    ///   escapes the whole body for the HTML part and a customer named `"><img src=x …>`
    ///   stays text.
    public static func render(
        _ template: String,
        for recipient: RecipientFields,
        channel: Channel,
        html: Bool = false
    ) -> String {
        substitute(template) { name, fallback in
            guard let value = value(of: name, for: recipient, channel: channel) else { return nil }
            // An empty value (none, or only white space) takes the fallback: template text,
            // written by the owner, so never escaped.
            if let fallback, isBlank(value) { return fallback }
            return html ? escapeHTML(value) : value
        }
    }

    /// Renders an email subject: like ``render(_:for:channel:html:)`` without HTML escaping,
    /// then every run of CR/LF characters becomes a single space (preventing header injection
    /// through customer names) and the result is trimmed.
    public static func renderSubject(_ template: String, for recipient: RecipientFields, channel: Channel) -> String {
        singleLine(render(template, for: recipient, channel: channel))
    }

    /// Renders every value of a WhatsApp `content_variables` map for `recipient`.
    public static func renderVariables(
        _ variables: [String: String],
        for recipient: RecipientFields,
        channel: Channel
    ) -> [String: String] {
        variables.mapValues { render($0, for: recipient, channel: channel) }
    }

    /// Whether an email body appears to be HTML (contains a common tag such as `<p`, `<br`,
    /// `<div` or `<html`), compared case-insensitively.
    public static func looksLikeHTML(_ body: String) -> Bool {
        ASCIICaseless.containsAny(body, htmlMarkers)
    }

    private static let htmlMarkers = ASCIICaseless.Needles([
        "<!doctype", "<html", "<head", "<body", "<p", "<br", "<div", "<span", "<a ", "<b>",
        "<strong", "<em>", "<i>", "<u>", "<table", "<tr", "<td", "<ul", "<ol", "<li", "<img",
        "<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<hr",
    ])

    // MARK: - Helpers

    /// The value of a known shortcode (without braces), or `nil` when it is not known.
    static func value(of shortcode: String, for recipient: RecipientFields, channel: Channel) -> String? {
        switch shortcode {
        case "customer_full_name", "customer_name":
            return displayName(of: recipient, channel: channel)
        case "customer_first_name":
            return recipient.firstName ?? ""
        case "customer_last_name":
            return recipient.lastName ?? ""
        case "customer_phone":
            return recipient.phone ?? ""
        case "customer_email":
            return recipient.email ?? ""
        default:
            return nil
        }
    }

    /// "First Last", or the channel's address when there is no name.
    static func displayName(of recipient: RecipientFields, channel: Channel) -> String {
        let first = (recipient.firstName ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let last = (recipient.lastName ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let name = [first, last].filter { !$0.isEmpty }.joined(separator: " ")
        if !name.isEmpty {
            return name
        }
        return (channel.usesPhone ? recipient.phone : recipient.email) ?? ""
    }

    /// The longest fallback text a shortcode may carry (`{name|fallback}`); a `|` followed by
    /// more is not a fallback, and the placeholder is left as it is.
    static let maxFallbackLength = 100

    /// Whether a shortcode's value counts as empty: nothing, or only white space (DESIGN §21).
    public static func isBlank(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }

    /// The known shortcodes (without braces) that `texts` use at least once without a
    /// fallback, in order of first use: the ones a recipient may see rendered empty.
    public static func shortcodesWithoutFallback(in texts: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for text in texts {
            for placeholder in placeholders(in: text) where placeholder.fallback == nil && knownShortcodeSet.contains(placeholder.name) {
                if seen.insert(placeholder.name).inserted { result.append(placeholder.name) }
            }
        }
        return result
    }

    /// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values.
    public static func escapeHTML(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 < 0x80 && htmlSpecial[Int($0)] }) else { return value }
        var output: [UInt8] = []
        output.reserveCapacity(value.utf8.count + 32)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "&"): output.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): output.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): output.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): output.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): output.append(contentsOf: "&#39;".utf8)
            default: output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The ASCII bytes ``escapeHTML(_:)`` rewrites.
    private static let htmlSpecial: [Bool] = (0..<128).map { "&<>\"'".utf8.contains(UInt8($0)) }

    /// Replaces every run of CR/LF with one space, then trims whitespace at both ends.
    static func singleLine(_ value: String) -> String {
        var output = String.UnicodeScalarView()
        var inBreak = false
        for scalar in value.unicodeScalars {
            if scalar == "\r" || scalar == "\n" {
                if !inBreak {
                    output.append(" ")
                    inBreak = true
                }
            } else {
                output.append(scalar)
                inBreak = false
            }
        }
        return String(output).trimmingCharacters(in: .whitespacesAndNewlines)
    }

}
