import Campaigns
import Foundation

/// The email's call to action (DESIGN §15) as a "bulletproof" button: a one-cell presentation
/// table whose cell carries the colour (Outlook's Word engine ignores a link's padding and
/// background) around a link styled inline as the button (Gmail drops `<style>` blocks, Apple
/// Mail and the rest follow the inline styles). Placed after the body, before the unsubscribe
/// footer; the text part gets `label: URL`.
enum EmailButton {
    /// The button's colour and the link's text colour (white on blue, a contrast above 4.5:1).
    static let background = "#2563eb"
    static let foreground = "#ffffff"

    /// The button's markup; the label and URL are escaped (a customer's name in either stays text).
    static func html(_ action: CallToAction) -> String {
        let href = MessageRenderer.escapeHTML(action.url)
        let label = MessageRenderer.escapeHTML(action.label)
        return "<table role=\"presentation\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\" style=\"margin:24px 0;"
            + "border-collapse:separate;mso-table-lspace:0pt;mso-table-rspace:0pt;\">\n<tr>\n"
            + "<td align=\"center\" bgcolor=\"\(background)\" style=\"border-radius:6px;background-color:\(background);\">"
            + "<a href=\"\(href)\" target=\"_blank\" rel=\"noopener\" style=\"display:inline-block;padding:12px 24px;"
            + "font-family:Arial,Helvetica,sans-serif;font-size:16px;font-weight:bold;line-height:20px;color:\(foreground);"
            + "text-decoration:none;border:1px solid \(background);border-radius:6px;background-color:\(background);\">"
            + label + "</a></td>\n</tr>\n</table>\n"
    }

    /// `html` with the button before its last `</body>` (or `</html>`), else at its end.
    static func inserting(_ action: CallToAction, into html: String) -> String {
        let button = Self.html(action)
        for closingTag in ["</body>", "</html>"] {
            if let start = ASCIICaseless.lastIndex(of: closingTag, in: html) {
                var result = html
                result.insert(contentsOf: button, at: start)
                return result
            }
        }
        return html.hasSuffix("\n") ? html + button : html + "\n" + button
    }

    /// The text part with `label: URL` after the body.
    static func appendingText(to text: String, _ action: CallToAction) -> String {
        var trimmed = text
        while let last = trimmed.last, last.isWhitespace { trimmed.removeLast() }
        let line = "\(action.label): \(action.url)\n"
        return trimmed.isEmpty ? line : trimmed + "\n\n" + line
    }
}
