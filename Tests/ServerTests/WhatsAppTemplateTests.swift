import Campaigns
import Foundation
import HummingbirdTesting
import MariaDB
import Messaging
import Server
import TestSupport
import Testing

/// WhatsApp templates are picked by name, with their variables as fields (DESIGN §21): the
/// service lists them from the tenant's Twilio account (the Content API of the Twilio fake).
@Suite("WhatsApp templates by name", .serialized)
struct WhatsAppTemplateTests {
    @Test func theTenantsTemplatesAreListedByNameWithTheirVariables() async throws {
        try await ProviderFlowTests.withService("wa_templates") { _, client, fake, _ in
            fake.addContentTemplate(
                sid: "HX" + String(repeating: "b", count: 32), name: "win_back", body: "Hi {{1}}, we miss you! {{10}} {{2}}",
                variables: ["2": "Book now", "1": "Ann", "10": "20% off"])
            fake.addContentTemplate(
                sid: "HX" + String(repeating: "a", count: 32), name: "Appointment reminder", language: "de", body: "Hallo {{1}}",
                variables: ["1": "Ann"], status: "received")
            fake.addContentTemplate(sid: "HX" + String(repeating: "c", count: 32), name: "draft", body: "Just text", variables: [:], status: nil)

            let answer = try await APIFixture.call(client, .get, "/api/v1/whatsapp-templates", tenant: 1, user: 10)
            #expect(answer.status == 200, "\(answer)")
            let items = try #require(answer.json?["items"]?.arrayValue)
            #expect(items.map { $0["name"]?.stringValue } == ["Appointment reminder", "draft", "win_back"], "by name, case aside")
            #expect(items.map { $0["approval"]?.stringValue } == ["pending", "unsubmitted", "approved"])
            let winBack = items[2]
            #expect(winBack["sid"]?.stringValue == "HX" + String(repeating: "b", count: 32))
            #expect(winBack["body"]?.stringValue == "Hi {{1}}, we miss you! {{10}} {{2}}")
            #expect(winBack["variables"]?.arrayValue?.map { $0["name"]?.stringValue } == ["1", "2", "10"], "in numeric order")
            #expect(winBack["variables"]?.arrayValue?.map { $0["example"]?.stringValue } == ["Ann", "Book now", "20% off"])
            #expect(items[0]["language"]?.stringValue == "de")

            // Staff who may read WhatsApp campaigns see them; staff who may not are refused.
            #expect(try await APIFixture.call(client, .get, "/api/v1/whatsapp-templates?staff", tenant: 1, user: 33).status == 200)
            let refused = try await APIFixture.call(client, .get, "/api/v1/whatsapp-templates?marketing", tenant: 1, user: 30)
            #expect(refused.status == 403, "\(refused)")
        }
    }

    @Test func anUnreadableAnswerIsAProviderErrorNotAnEmptyList() {
        #expect(TwilioContentTemplates.parse(Array("<html>".utf8)) == nil)
        #expect(TwilioContentTemplates.parse(Array(#"{"contents":[]}"#.utf8)) == [])
        // A card template: its body comes from the first type that has one; no name → the sid.
        let card = #"{"contents":[{"sid":"HX1","friendly_name":"","types":{"twilio/card":{"title":"T","body":"Card {{1}}"}},"variables":{"1":"x"}}]}"#
        let parsed = TwilioContentTemplates.parse(Array(card.utf8))
        #expect(parsed?.first?.name == "HX1" && parsed?.first?.body == "Card {{1}}" && parsed?.first?.approval == .unsubmitted)
        #expect(TwilioContentTemplates.contentBase(forAPIBase: "https://api.twilio.com/") == "https://content.twilio.com")
        #expect(TwilioContentTemplates.contentBase(forAPIBase: "http://127.0.0.1:8099") == "http://127.0.0.1:8099")
    }
}
