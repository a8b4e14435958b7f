import Campaigns
import Foundation
import Testing

/// The email's button (DESIGN §15) on the sends that are not campaigns: a test send shows the
/// message as recipients will see it, button included, and a manual send carries it too.
extension ProviderFlowTests {
    @Test func testAndManualEmailSendsCarryTheButton() async throws {
        try await Self.withService("providers_button") { _, client, _, smtp in
            let run = UUID().uuidString.prefix(8).lowercased()
            let test = try await APIFixture.call(
                client, .post, "/api/v1/test-send", tenant: 1, user: 10,
                body:
                    #"{"channel":"email","to":"button-\#(run)@example.com","subject":"Test","body":"<p>Hi</p>","action_label":"Book {customer_first_name}","action_url":"https://salon.example/book?n={customer_name}"}"#
            )
            #expect(test.status == 200, "\(String(describing: test.json))")
            let raw = try #require(try smtp.received(for: "button-\(run)@example.com").last?.raw)
            let html = try XSSEmailTests.htmlPart(raw)
            // A test send has no log row, so its link is the personalized URL itself.
            #expect(html.contains("<table role=\"presentation\""), "\(html)")
            #expect(html.contains("href=\"https://salon.example/book?n=Test%20Customer\""), "\(html)")
            #expect(try LocalizedContentLiveTests.textPart(raw).contains("Book Test: https://salon.example/book?n=Test%20Customer"))

            // Half a button is refused by name, and nothing is sent.
            let half = try await APIFixture.call(
                client, .post, "/api/v1/test-send", tenant: 1, user: 10,
                body: #"{"channel":"email","to":"half-\#(run)@example.com","subject":"T","body":"b","action_label":"Book"}"#)
            #expect(half.status == 400 && half.json?["error"]?["field"]?.stringValue == "action_url", "\(String(describing: half.json))")
            #expect(try smtp.received(for: "half-\(run)@example.com").isEmpty)

            let manual = try await APIFixture.call(
                client, .post, "/api/v1/manual-send", tenant: 1, user: 10,
                body:
                    #"{"channel":"email","subject":"Hello","body":"<p>Hello</p>","addresses":"manual-\#(run)@example.com","action_label":"Book now","action_url":"https://salon.example/book"}"#
            )
            #expect(manual.status == 202, "\(String(describing: manual.json))")
            let id = try #require(manual.json?["id"]?.integerValue)
            let shown = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)", tenant: 1, user: 10)
            #expect(shown.json?["action_label"]?.stringValue == "Book now" && shown.json?["action_url"]?.stringValue == "https://salon.example/book")
            let done = try await Self.waitUntilDone(client, id: id)
            #expect(done["sent"]?.integerValue == 1, "\(done)")
            let received = try #require(try smtp.received(for: "manual-\(run)@example.com").last?.raw)
            // Clicks are tracked by default: the button is the recipient's short link.
            #expect(try LocalizedContentLiveTests.textPart(received).contains("Book now: \(Self.publicURL)/r/"), "\(received)")
            #expect(try XSSEmailTests.htmlPart(received).contains(">Book now</a>"))
        }
    }
}
