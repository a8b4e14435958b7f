import Campaigns
import Foundation

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
