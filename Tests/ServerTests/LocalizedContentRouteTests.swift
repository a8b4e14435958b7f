import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Server
import TestSupport
import Testing

/// DESIGN §15's fields on campaigns, templates and settings, on the in-memory stores: keys
/// normalized, answers carrying them, duplicates copying them, and every bad value a 400 naming
/// its field.
@Suite("Localized content and the call to action: the API")
struct LocalizedContentRouteTests {
    static let email =
        #"{"channel":"email","name":"N","segment":{"type":"all_customers"},"subject":"Hi","body":"<p>Hello</p>""#

    static func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, body: String = "") async throws
        -> (status: Int, json: JSONValue?)
    {
        let answer = try await AudienceRouteTests.call(client, method, path, body: body)
        return (answer.status, answer.json)
    }

    @Test func keysAreNormalizedAnsweredStoredAndDuplicated() async throws {
        try await RouterTests.withRouter(RouterTests.dependencies()) { client in
            let body =
                Self.email
                + #","subject_i18n":{"DE":"Hallo","pt-br":"Olá"},"body_i18n":{"de-de":"<p>Hallo</p>","pt_BR":"<p>Olá</p>","fr":""},"#
                + #""action_label":"Book now","action_url":"https://salon.example/book?n={customer_first_name}","#
                + #""action_label_i18n":{"de":"Jetzt buchen"}}"#
            let created = try await Self.call(client, .post, "/api/v1/campaigns", body: body)
            #expect(created.status == 201, "\(String(describing: created.json))")
            let json = try #require(created.json)
            #expect(json["subject_i18n"] == .object(["de": .string("Hallo"), "pt_BR": .string("Olá")]))
            #expect(json["body_i18n"] == .object(["de_DE": .string("<p>Hallo</p>"), "pt_BR": .string("<p>Olá</p>")]), "an empty text is no variant")
            #expect(json["action_label_i18n"] == .object(["de": .string("Jetzt buchen")]))
            #expect(json["action_label"]?.stringValue == "Book now")
            #expect(json["action_url"]?.stringValue == "https://salon.example/book?n={customer_first_name}")
            let id = try #require(json["id"]?.integerValue)
            let copy = try await Self.call(client, .post, "/api/v1/campaigns/\(id)/duplicate")
            for field in ["subject_i18n", "body_i18n", "action_label_i18n", "action_label", "action_url"] {
                #expect(copy.json?[field] == json[field], "the copy keeps \(field)")
            }
            // An SMS campaign has no subject or button: those fields are ignored, like `subject`.
            let sms = try await Self.call(
                client, .post, "/api/v1/campaigns",
                body: #"{"channel":"sms","name":"S","segment":{"type":"all_customers"},"body":"Hi","body_i18n":{"de":"Hallo"},"#
                    + #""action_url":"javascript:x"}"#)
            #expect(sms.status == 201 && sms.json?["body_i18n"] == .object(["de": .string("Hallo")]))
            #expect(sms.json?["action_url"] == .null && sms.json?["subject_i18n"] == .object([:]))
            // Templates carry them too.
            let template = try await Self.call(
                client, .post, "/api/v1/templates",
                body: #"{"channel":"email","name":"T","subject":"S","body":"B","body_i18n":{"pt-PT":"Olá"},"#
                    + #""action_label":"Go","action_url":"http://example.com/"}"#)
            #expect(template.status == 201, "\(String(describing: template.json))")
            #expect(template.json?["body_i18n"] == .object(["pt_PT": .string("Olá")]) && template.json?["action_label"]?.stringValue == "Go")
        }
    }

    @Test func badTranslationsAndButtonsAreRefusedNamingTheField() async throws {
        try await RouterTests.withRouter(RouterTests.dependencies()) { client in
            let cases: [(String, String)] = [
                (#","body_i18n":{"german":"x"}"#, "body_i18n"),
                (#","body_i18n":{"de_DE_formal":"x"}"#, "body_i18n"),
                (#","subject_i18n":{"d":"x"}"#, "subject_i18n"),
                (#","subject_i18n":{"de":5}"#, "subject_i18n"),
                (#","body_i18n":["de"]"#, "body_i18n"),
                (#","body_i18n":{"pt-BR":"a","pt_br":"b"}"#, "body_i18n"),
                (#","action_label_i18n":{"x1":"y"},"action_label":"Go","action_url":"https://e.com""#, "action_label_i18n"),
                (#","action_label":"Go","action_url":"javascript:alert(1)""#, "action_url"),
                (#","action_label":"Go","action_url":"ftp://example.com/file""#, "action_url"),
                (#","action_label":"Go","action_url":"https://""#, "action_url"),
                (#","action_label":"Go","action_url":"https://exa mple.com""#, "action_url"),
                (#","action_label":"Go""#, "action_url"),
                (#","action_url":"https://example.com""#, "action_label"),
                (#","action_label_i18n":{"de":"Los"}"#, "action_label"),
            ]
            for (extra, field) in cases {
                let body = Self.email + extra + "}"
                let result = try await Self.call(client, .post, "/api/v1/campaigns", body: body)
                #expect(result.status == 400, "\(body): \(String(describing: result.json))")
                #expect(result.json?["error"]?["field"]?.stringValue == field, "\(body)")
            }
            let template = try await Self.call(
                client, .post, "/api/v1/templates", body: #"{"channel":"email","name":"T","subject":"S","body":"B","body_i18n":{"??":"x"}}"#)
            #expect(template.status == 400 && template.json?["error"]?["field"]?.stringValue == "body_i18n")
        }
    }

    @Test func theLocaleSettingIsValidatedNormalizedAndReset() async throws {
        try await RouterTests.withRouter(RouterTests.dependencies()) { client in
            let initial = try await Self.call(client, .get, "/api/v1/settings?channel=email")
            #expect(initial.json?["locale"] == .object(["value": .null, "source": .string("default")]), "\(String(describing: initial.json))")
            let set = try await Self.call(client, .put, "/api/v1/settings", body: #"{"channel":"email","locale":"pt-br"}"#)
            #expect(set.status == 200 && set.json?["locale"] == .object(["value": .string("pt_BR"), "source": .string("tenant")]))
            let sms = try await Self.call(client, .get, "/api/v1/settings?channel=sms")
            #expect(sms.json?["locale"]?["value"] == .null, "per channel")
            for bad in [#""portuguese""#, "5", #""pt_BR_x""#, #""""#] {
                let refused = try await Self.call(client, .put, "/api/v1/settings", body: #"{"channel":"email","locale":\#(bad)}"#)
                #expect(refused.status == 400 && refused.json?["error"]?["field"]?.stringValue == "locale", "\(bad)")
            }
            let reset = try await Self.call(client, .put, "/api/v1/settings", body: #"{"channel":"email","locale":null}"#)
            #expect(reset.json?["locale"]?["source"]?.stringValue == "default")
        }
    }
}
