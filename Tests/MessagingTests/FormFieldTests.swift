import Messaging
import Testing

/// Form encoding for Twilio requests and webhook bodies.
@Suite("Form encoding")
struct FormFieldTests {
    @Test func encodesEverythingButUnreservedCharacters() {
        let body = FormField.encode([FormField("To", "+4915112345678"), FormField("Body", "Hi Zoë & co = 100% ✓")])
        #expect(body == "To=%2B4915112345678&Body=Hi%20Zo%C3%AB%20%26%20co%20%3D%20100%25%20%E2%9C%93")
        #expect(FormField.decode(body) == [FormField("To", "+4915112345678"), FormField("Body", "Hi Zoë & co = 100% ✓")])
    }

    @Test func decodesPlusAsSpaceAndRejectsBrokenEscapes() {
        #expect(FormField.decode("Body=STOP+now&Empty=&Flag") == [FormField("Body", "STOP now"), FormField("Empty", ""), FormField("Flag", "")])
        #expect(FormField.decode("Body=%ZZ") == nil)
        #expect(FormField.decode("") == [])
    }
}
