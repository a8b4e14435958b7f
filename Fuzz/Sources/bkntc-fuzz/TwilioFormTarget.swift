import Campaigns
import Messaging

/// The body of a Twilio webhook (`application/x-www-form-urlencoded`, UTF-8). A decoded form
/// encodes and decodes to itself, its signature verifies with its own auth token only, and the
/// fields the routes read (`MessageStatus`, `Body`, `From`) never crash their readers.
enum TwilioFormTarget {
    private static let url = "https://campaigns.example.com/webhooks/twilio/status"

    static func run(_ input: FuzzInput) {
        guard let text = input.validText, let form = FormField.decode(text) else { return }
        let encoded = FormField.encode(form)
        require(FormField.decode(encoded) == form, "\(text.debugDescription) encodes as \(encoded.debugDescription), which decodes differently")

        let signature = TwilioSignature.compute(authToken: "token-a", url: url, parameters: form)
        require(TwilioSignature.isValid(signature, url: url, parameters: form, authTokens: ["token-b", "token-a"]), "own signature rejected")
        require(!TwilioSignature.isValid(signature, url: url, parameters: form, authTokens: ["token-b"]), "signature valid for another token")
        require(
            !TwilioSignature.isValid(text, url: url, parameters: form, authTokens: ["token-a"]) || text == signature, "the body is its own signature")

        let value = { (name: String) in form.first { $0.name == name }?.value ?? "" }
        _ = DeliveryStatus(twilioStatus: value("MessageStatus"))
        _ = InboundKeyword(body: value("Body"))
        _ = AddressNormalizer(defaultCountryCode: nil).normalizePhone(value("From"))
    }
}
