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

/// The words of the unsubscribe page and of the email unsubscribe footer, in one language.
public struct UnsubscribeStrings: Sendable, Hashable {
    /// The page `<title>`.
    public var pageTitle: String
    /// The heading of the confirmation page.
    public var confirmHeading: String
    /// The confirmation paragraph; `{address}` is replaced with the (escaped) address.
    public var confirmTemplate: String
    /// The label of the confirmation button.
    public var buttonLabel: String
    /// The heading after a successful unsubscribe.
    public var doneHeading: String
    /// The paragraph after a successful unsubscribe; `{address}` is replaced with the address.
    public var doneTemplate: String
    /// The heading for an invalid or expired link.
    public var invalidHeading: String
    /// The paragraph for an invalid or expired link.
    public var invalidText: String
    /// The word used for the unsubscribe link in email footers.
    public var footerLink: String

    /// The language used when a locale is missing or not supported.
    public static let fallbackLanguage = "en"

    /// The language codes that have translations.
    public static let supportedLanguages: Set<String> = Set(table.keys)

    /// The strings for a language code (or a locale such as `"de_DE"`); unknown means English.
    public static func forLanguage(_ code: String) -> UnsubscribeStrings {
        let language = UnsubscribePage.languageCode(for: code)
        return table[language] ?? english
    }

    /// The confirmation paragraph as HTML, with `address` escaped.
    public func confirmText(address: String) -> String {
        Self.fill(confirmTemplate, address: address)
    }

    /// The success paragraph as HTML, with `address` escaped.
    public func doneText(address: String) -> String {
        Self.fill(doneTemplate, address: address)
    }

    /// Escapes the template, then puts the escaped address in a `<strong>` element.
    private static func fill(_ template: String, address: String) -> String {
        MessageRenderer.escapeHTML(template).replacingOccurrences(
            of: "{address}", with: "<strong>" + MessageRenderer.escapeHTML(address) + "</strong>")
    }

    private static let english = UnsubscribeStrings(
        pageTitle: "Unsubscribe",
        confirmHeading: "Unsubscribe from these emails?",
        confirmTemplate: "Confirm that you no longer want to receive these emails at {address}.",
        buttonLabel: "Unsubscribe",
        doneHeading: "You are unsubscribed",
        doneTemplate: "{address} will no longer receive these emails.",
        invalidHeading: "This unsubscribe link is not valid",
        invalidText: "The link may be incomplete or expired. Please use the unsubscribe link in a recent email.",
        footerLink: "Unsubscribe"
    )

    private static let table: [String: UnsubscribeStrings] = [
        "en": english,
        "de": UnsubscribeStrings(
            pageTitle: "Abmelden",
            confirmHeading: "Von diesen E-Mails abmelden?",
            confirmTemplate: "Bitte bestätigen Sie, dass Sie diese E-Mails unter {address} nicht mehr erhalten möchten.",
            buttonLabel: "Abmelden",
            doneHeading: "Sie sind abgemeldet",
            doneTemplate: "{address} erhält diese E-Mails nicht mehr.",
            invalidHeading: "Dieser Abmeldelink ist nicht gültig",
            invalidText: "Der Link ist möglicherweise unvollständig oder abgelaufen. "
                + "Bitte verwenden Sie den Abmeldelink aus einer aktuellen E-Mail.",
            footerLink: "Abmelden"
        ),
        "fr": UnsubscribeStrings(
            pageTitle: "Se désabonner",
            confirmHeading: "Se désabonner de ces e-mails\u{00A0}?",
            confirmTemplate: "Confirmez que vous ne souhaitez plus recevoir ces e-mails à l’adresse {address}.",
            buttonLabel: "Se désabonner",
            doneHeading: "Votre désabonnement est confirmé",
            doneTemplate: "{address} ne recevra plus ces e-mails.",
            invalidHeading: "Ce lien de désabonnement n’est pas valide",
            invalidText: "Le lien est peut-être incomplet ou expiré. "
                + "Veuillez utiliser le lien de désabonnement d’un e-mail récent.",
            footerLink: "Se désabonner"
        ),
        "es": UnsubscribeStrings(
            pageTitle: "Cancelar suscripción",
            confirmHeading: "¿Cancelar la suscripción a estos correos?",
            confirmTemplate: "Confirma que ya no quieres recibir estos correos en {address}.",
            buttonLabel: "Cancelar suscripción",
            doneHeading: "Tu suscripción ha sido cancelada",
            doneTemplate: "{address} ya no recibirá estos correos.",
            invalidHeading: "Este enlace para cancelar la suscripción no es válido",
            invalidText: "Es posible que el enlace esté incompleto o haya caducado. "
                + "Usa el enlace para cancelar la suscripción de un correo reciente.",
            footerLink: "Cancelar suscripción"
        ),
        "it": UnsubscribeStrings(
            pageTitle: "Annulla iscrizione",
            confirmHeading: "Annullare l’iscrizione a queste email?",
            confirmTemplate: "Conferma di non voler più ricevere queste email all’indirizzo {address}.",
            buttonLabel: "Annulla iscrizione",
            doneHeading: "Iscrizione annullata",
            doneTemplate: "{address} non riceverà più queste email.",
            invalidHeading: "Questo link di annullamento dell’iscrizione non è valido",
            invalidText: "Il link potrebbe essere incompleto o scaduto. "
                + "Usa il link di annullamento presente in un’email recente.",
            footerLink: "Annulla iscrizione"
        ),
        "pt": UnsubscribeStrings(
            pageTitle: "Cancelar inscrição",
            confirmHeading: "Cancelar a inscrição nestes e-mails?",
            confirmTemplate: "Confirme que não deseja mais receber estes e-mails em {address}.",
            buttonLabel: "Cancelar inscrição",
            doneHeading: "Sua inscrição foi cancelada",
            doneTemplate: "{address} não receberá mais estes e-mails.",
            invalidHeading: "Este link de cancelamento não é válido",
            invalidText: "O link pode estar incompleto ou expirado. "
                + "Use o link de cancelamento de um e-mail recente.",
            footerLink: "Cancelar inscrição"
        ),
        "nl": UnsubscribeStrings(
            pageTitle: "Afmelden",
            confirmHeading: "Afmelden voor deze e-mails?",
            confirmTemplate: "Bevestig dat je deze e-mails niet meer wilt ontvangen op {address}.",
            buttonLabel: "Afmelden",
            doneHeading: "Je bent afgemeld",
            doneTemplate: "{address} ontvangt deze e-mails niet meer.",
            invalidHeading: "Deze afmeldlink is niet geldig",
            invalidText: "De link is mogelijk onvolledig of verlopen. "
                + "Gebruik de afmeldlink uit een recente e-mail.",
            footerLink: "Afmelden"
        ),
        "tr": UnsubscribeStrings(
            pageTitle: "Abonelikten çık",
            confirmHeading: "Bu e-postaların aboneliğinden çıkılsın mı?",
            confirmTemplate: "Bu e-postaları {address} adresinde artık almak istemediğinizi onaylayın.",
            buttonLabel: "Abonelikten çık",
            doneHeading: "Abonelikten çıktınız",
            doneTemplate: "{address} artık bu e-postaları almayacak.",
            invalidHeading: "Bu abonelikten çıkma bağlantısı geçerli değil",
            invalidText: "Bağlantı eksik olabilir veya süresi dolmuş olabilir. "
                + "Lütfen yakın tarihli bir e-postadaki abonelikten çıkma bağlantısını kullanın.",
            footerLink: "Abonelikten çık"
        ),
        "ru": UnsubscribeStrings(
            pageTitle: "Отписаться",
            confirmHeading: "Отписаться от этих писем?",
            confirmTemplate: "Подтвердите, что больше не хотите получать эти письма на адрес {address}.",
            buttonLabel: "Отписаться",
            doneHeading: "Вы отписались",
            doneTemplate: "На адрес {address} эти письма больше не будут приходить.",
            invalidHeading: "Эта ссылка для отписки недействительна",
            invalidText: "Возможно, ссылка неполная или устарела. "
                + "Воспользуйтесь ссылкой для отписки из недавнего письма.",
            footerLink: "Отписаться"
        ),
        "pl": UnsubscribeStrings(
            pageTitle: "Wypisz się",
            confirmHeading: "Wypisać się z tych wiadomości?",
            confirmTemplate: "Potwierdź, że nie chcesz już otrzymywać tych wiadomości na adres {address}.",
            buttonLabel: "Wypisz się",
            doneHeading: "Subskrypcja została anulowana",
            doneTemplate: "Adres {address} nie będzie już otrzymywać tych wiadomości.",
            invalidHeading: "Ten link do wypisania się jest nieprawidłowy",
            invalidText: "Link może być niepełny lub wygasł. "
                + "Użyj linku do wypisania się z niedawnej wiadomości.",
            footerLink: "Wypisz się"
        ),
        "az": UnsubscribeStrings(
            pageTitle: "Abunəlikdən çıx",
            confirmHeading: "Bu e-poçtlara abunəlikdən çıxılsın?",
            confirmTemplate: "Bu e-poçtları {address} ünvanında artıq almaq istəmədiyinizi təsdiqləyin.",
            buttonLabel: "Abunəlikdən çıx",
            doneHeading: "Abunəlikdən çıxdınız",
            doneTemplate: "{address} artıq bu e-poçtları almayacaq.",
            invalidHeading: "Bu abunəlikdən çıxma linki etibarlı deyil",
            invalidText: "Link natamam ola və ya vaxtı bitmiş ola bilər. "
                + "Zəhmət olmasa, son e-poçtdakı abunəlikdən çıxma linkindən istifadə edin.",
            footerLink: "Abunəlikdən çıx"
        ),
    ]
}
