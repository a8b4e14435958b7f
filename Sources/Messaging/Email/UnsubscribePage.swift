import Campaigns
import Foundation

/// The HTML page served for `GET` and `POST /unsubscribe/{token}`.
///
/// The page is a complete, self-contained HTML5 document: no scripts, no external assets, no
/// inline event handlers and no `style` attributes, so it works under the CSP
/// `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'`.
public enum UnsubscribePage {
    /// What the page shows.
    public enum State: Sendable, Hashable {
        /// Asks the recipient to confirm; the button posts a form to `actionPath`.
        case confirm(address: String, actionPath: String)
        /// The address has been unsubscribed (the wording also fits a repeated request).
        case done(address: String)
        /// The token is malformed, unknown or expired.
        case invalid
    }

    /// Renders a complete small HTML5 document for `state`.
    ///
    /// - Parameters:
    ///   - state: What to show.
    ///   - language: A locale such as `"de"`, `"pt_BR"` or `"tr-TR"`; `nil` or unknown means English.
    ///   - businessName: The sender's name, shown above the heading when not empty.
    public static func render(_ state: State, language: String?, businessName: String?) -> String {
        let code = languageCode(for: language)
        let strings = UnsubscribeStrings.forLanguage(code)
        let business = businessName?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""

        var title = strings.pageTitle
        if !business.isEmpty {
            title += " – " + business
        }

        var main: [String] = []
        if !business.isEmpty {
            main.append("<p class=\"sender\">\(MessageRenderer.escapeHTML(business))</p>")
        }
        switch state {
        case .confirm(let address, let actionPath):
            main.append("<h1>\(MessageRenderer.escapeHTML(strings.confirmHeading))</h1>")
            main.append("<p>\(strings.confirmText(address: address))</p>")
            main.append("<form method=\"post\" action=\"\(MessageRenderer.escapeHTML(actionPath))\">")
            main.append("<button type=\"submit\">\(MessageRenderer.escapeHTML(strings.buttonLabel))</button>")
            main.append("</form>")
        case .done(let address):
            main.append("<h1>\(MessageRenderer.escapeHTML(strings.doneHeading))</h1>")
            main.append("<p>\(strings.doneText(address: address))</p>")
        case .invalid:
            main.append("<h1>\(MessageRenderer.escapeHTML(strings.invalidHeading))</h1>")
            main.append("<p>\(MessageRenderer.escapeHTML(strings.invalidText))</p>")
        }

        return """
            <!DOCTYPE html>
            <html lang="\(code)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <title>\(MessageRenderer.escapeHTML(title))</title>
            <style>\(stylesheet)</style>
            </head>
            <body>
            <main>
            \(main.joined(separator: "\n"))
            </main>
            </body>
            </html>

            """
    }

    /// The supported language code used for `locale` (for the `Content-Language` header).
    ///
    /// Takes the part before the first `_`, `-`, `.` or `@`, lowercased, so `"pt_BR"` gives
    /// `"pt"` and `"tr-TR"` gives `"tr"`. `nil` and unsupported languages give `"en"`.
    public static func languageCode(for locale: String?) -> String {
        guard let locale else { return UnsubscribeStrings.fallbackLanguage }
        let primary =
            locale
            .trimmingCharacters(in: .whitespacesAndNewlines)
            .split(whereSeparator: { "_-.@".contains($0) })
            .first
            .map { $0.lowercased() } ?? ""
        return UnsubscribeStrings.supportedLanguages.contains(primary)
            ? primary : UnsubscribeStrings.fallbackLanguage
    }

    /// Centered card, system fonts, WCAG AA contrast in light and dark mode, visible focus ring.
    private static let stylesheet = """

        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%}
        body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;\
        padding:24px 16px;background:#f3f4f6;color:#111827;\
        font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;\
        font-size:16px;line-height:1.5}
        main{width:100%;max-width:28rem;padding:32px 24px;background:#ffffff;border-radius:12px;\
        box-shadow:0 1px 3px rgba(0,0,0,.12),0 8px 24px rgba(0,0,0,.06);text-align:center}
        h1{margin:0 0 12px;font-size:1.375rem;line-height:1.3}
        p{margin:0 0 20px;color:#374151;overflow-wrap:anywhere}
        p:last-child{margin-bottom:0}
        .sender{margin-bottom:8px;font-size:.875rem;font-weight:600;color:#4b5563}
        form{margin:0}
        button{width:100%;min-height:44px;padding:12px 24px;border:0;border-radius:8px;\
        background:#1d4ed8;color:#ffffff;font:inherit;font-weight:600;cursor:pointer}
        button:hover{background:#1e40af}
        button:focus-visible{outline:3px solid #1d4ed8;outline-offset:3px}
        @media (min-width:480px){main{padding:40px 32px}button{width:auto}}
        @media (prefers-color-scheme:dark){
        body{background:#111827;color:#f9fafb}
        main{background:#1f2937;box-shadow:none}
        p{color:#d1d5db}
        .sender{color:#d1d5db}
        button{background:#2563eb}
        button:hover{background:#1d4ed8}
        button:focus-visible{outline-color:#93c5fd}
        }

        """
}
