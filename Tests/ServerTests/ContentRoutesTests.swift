import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import MariaDB
import NIOCore
import Server
import TestSupport
import Testing

@Suite("Templates and suppressions over HTTP", .serialized)
struct ContentRoutesTests {
    @Test func templatesPrefillCampaignsAndSuppressionImportReports() async throws {
        try await APIFixture.live("content-api") { pool, client in
            let template = try await APIFixture.call(
                client, .post, "/api/v1/templates", tenant: 1, user: 1,
                body: #"{"channel":"email","name":"Welcome","subject":"Hi {customer_first_name}","body":"<p>Hello {customer_full_name} {oops}</p>"}"#)
            #expect(template.status == 201)
            #expect(template.json?["warnings"] == .array([.string("unknown shortcode {oops} in body")]))
            let templateID = try #require(template.json?["id"]?.integerValue)
            let campaign = try await APIFixture.call(
                client, .post, "/api/v1/campaigns", tenant: 1, user: 1,
                body: #"{"channel":"email","name":"From template","segment":{"type":"all_customers"},"template_id":\#(templateID)}"#)
            #expect(campaign.status == 201)
            #expect(campaign.json?["subject"]?.stringValue == "Hi {customer_first_name}")
            #expect(campaign.json?["body"]?.stringValue == "<p>Hello {customer_full_name} {oops}</p>")
            // Another tenant's template is not usable.
            let foreign = try await APIFixture.call(
                client, .post, "/api/v1/campaigns", tenant: 2, user: 20,
                body: #"{"channel":"email","name":"x","segment":{"type":"all_customers"},"template_id":\#(templateID),"subject":"s","body":"b"}"#)
            #expect(foreign.json?["error"]?["field"]?.stringValue == "template_id")
            // Built-ins are listed for everyone and read-only.
            let list = try await APIFixture.call(client, .get, "/api/v1/templates?channel=email&per_page=100", tenant: 2, user: 20)
            #expect(list.json?["total"]?.integerValue == 7)
            let builtinID = try #require(
                list.json?["items"].flatMap { if case .array(let items) = $0 { items.first?["id"]?.integerValue } else { nil } })
            let edit = try await APIFixture.call(client, .delete, "/api/v1/templates/\(builtinID)", tenant: 2, user: 20)
            #expect(edit.status == 409)
            #expect(edit.json?["error"]?["code"]?.stringValue == "template_builtin")

            // Bulk import: normalized, duplicates and invalid lines reported.
            let csv = "+44 7700 900111\n07700 900111\n0044 7700 900112, call me\n555;\n+447700900113\n"
            let imported = try await APIFixture.call(
                client, .post, "/api/v1/suppressions", tenant: 1, user: 1,
                body: try String(
                    decoding: JSONEncoder().encode(JSONValue.object(["channel": .string("sms"), "csv": .string(csv), "reason": .string("import")])),
                    as: UTF8.self))
            #expect(imported.status == 200)
            #expect(imported.json?["accepted"]?.integerValue == 3)
            #expect(imported.json?["duplicates"]?.integerValue == 1)
            #expect(imported.json?["invalid"] == .array([.string("call me"), .string("555")]))
            let search = try await APIFixture.call(client, .get, "/api/v1/suppressions?channel=sms&q=900112", tenant: 1, user: 1)
            #expect(search.json?["total"]?.integerValue == 1)
            let again = try await APIFixture.call(
                client, .post, "/api/v1/suppressions", tenant: 1, user: 1, body: #"{"channel":"sms","address":"+44 (7700) 900-113"}"#)
            #expect(again.status == 200, "a duplicate add is not an error")
            // Suppressed numbers drop out of the preview; masked samples hide the address.
            let preview = try await APIFixture.call(
                client, .post, "/api/v1/segments/preview", tenant: 1, user: 1,
                body: #"{"channel":"sms","segment":{"type":"all_customers"},"mask_addresses":true}"#)
            #expect(preview.json?["count"]?.integerValue == 6)
            if case .array(let sample)? = preview.json?["sample"] {
                #expect(sample.first?["address"]?.stringValue == "+447*******01")
            }
            _ = try await APIFixture.call(
                client, .post, "/api/v1/suppressions", tenant: 1, user: 1, body: #"{"channel":"sms","address":"+447700910001"}"#)
            let after = try await APIFixture.call(
                client, .post, "/api/v1/segments/preview", tenant: 1, user: 1, body: #"{"channel":"sms","segment":{"type":"all_customers"}}"#)
            #expect(after.json?["count"]?.integerValue == 5)
        }
    }
}
