import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Messaging
import NIOCore
import Server
import TestSupport
import Testing

/// The routes that send, erase and take the providers' and recipients' word, on the in-memory
/// stores: test and manual sends, erasure, Twilio's webhooks, unsubscribe links and the WhatsApp
/// templates (before, without a database, most answered 503).
@Suite("Sending and event routes on in-memory stores")
struct InMemoryWriteRouteTests {
    @Test func aTestSendObeysSuppressionsTheQuotaAndTheDailyAllowanceAndIsAudited() async throws {
        let stores = InMemoryServiceStores()
        var deps = AppDependencies.inMemory(stores, users: RouterTests.users)
        deps.testSendsPerDay = 3
        try await RouterTests.withRouter(deps) { client in
            func testSend(_ to: String, channel: String = "sms", user: Int = RouterTests.admin) async throws -> (status: Int, json: JSONValue?) {
                let body = #"{"channel":"\#(channel)","to":"\#(to)","subject":"Hi","body":"Hi {customer_name}"}"#
                let answer = try await RouterTests.call(client, .post, "/api/v1/test-send", user: user, body: body, clock: stores.clock)
                return (answer.status, answer.json)
            }
            let sent = try await testSend("07700 900123")
            #expect(sent.status == 200 && sent.json?["provider_message_id"]?.stringValue == "SM1", "\(sent)")
            #expect(stores.sender.sent.map(\.to) == ["+447700900123"])
            #expect(stores.sender.sent.first?.body.contains("{customer_name}") == false, "rendered")
            let invalid = try await testSend("555")
            #expect(invalid.status == 400 && invalid.json?["error"]?["field"]?.stringValue == "to")
            _ = try await RouterTests.call(client, .post, "/api/v1/suppressions", body: #"{"channel":"sms","address":"+447700900999"}"#)
            let suppressed = try await testSend("+447700900999")
            #expect(suppressed.status == 409 && suppressed.json?["error"]?["code"]?.stringValue == "suppressed")
            #expect(try await testSend("+447700900124", channel: "whatsapp", user: RouterTests.smsSender).status == 403)
            // The plan's quota counts test SMS: one used before plus the one above leaves none of two.
            stores.testSends.setSMSQuota(SMSQuota(limit: 2, used: 1), scope: .singleSite)
            let quota = try await testSend("+447700900125")
            #expect(quota.status == 409 && quota.json?["error"]?["code"]?.stringValue == "quota_exhausted")
            stores.testSends.setSMSQuota(nil, scope: .singleSite)
            // A provider's refusal is a 502 and is audited as failed.
            stores.sender.script("+447700900126", [.permanent(code: "21211", message: "invalid", suppress: false)])
            let refused = try await testSend("+447700900126")
            #expect(refused.status == 502 && refused.json?["error"]?["code"]?.stringValue == "provider_error")
            #expect(try await testSend("+447700900127").status == 200)
            let limited = try await testSend("+447700900128")
            #expect(limited.status == 429, "three test SMS a day: \(limited)")
            #expect(try await testSend("ann@example.com", channel: "email").status == 200, "each channel has its own allowance")
            let audit = try await RouterTests.call(client, .get, "/api/v1/audit?object_type=message&channel=sms")
            let statuses = audit.json?["items"]?.arrayValue?.compactMap { $0["detail"]?["status"]?.stringValue }
            #expect(statuses == ["sent", "failed", "sent"], "newest first: \(audit)")
        }
    }

    @Test func aManualSendQueuesTheChosenCustomersAndThePastedAddresses() async throws {
        let stores = InMemoryServiceStores()
        stores.directory.add([
            CustomerContact(id: 1, firstName: "Ann", lastName: "Lee", phone: "07700 900001", email: nil),
            CustomerContact(id: 2, firstName: "Bob", lastName: nil, phone: nil, email: "bob@example.com"),
        ])
        try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users)) { client in
            let body = #"{"channel":"sms","body":"Hi","customer_ids":[1,2],"addresses":"+447700900001\n+447700900050"}"#
            let queued = try await RouterTests.call(client, .post, "/api/v1/manual-send", body: body)
            #expect(queued.status == 202, "\(queued)")
            #expect(queued.json?["queued"]?.integerValue == 2 && queued.json?["duplicates"]?.integerValue == 1)
            let id = try #require(queued.json?["id"]?.integerValue)
            #expect(try await RouterTests.call(client, .get, "/api/v1/campaigns/\(id)").json?["kind"]?.stringValue == "manual")
            let nobody = try await RouterTests.call(client, .post, "/api/v1/manual-send", body: #"{"channel":"sms","body":"Hi"}"#)
            #expect(nobody.status == 400 && nobody.json?["error"]?["field"]?.stringValue == "customer_ids")
        }
    }

    @Test func anErasureDeletesTheCustomersMessagesAndAuditsOnlyCounts() async throws {
        let stores = InMemoryServiceStores()
        stores.directory.add([CustomerContact(id: 7, firstName: "Ann", lastName: "Lee", phone: "+447700900007", email: "ann@example.com")])
        let now = stores.clock.now()
        stores.history.add([
            .init(customerID: 7, message: InMemoryReadRouteTests.message(.sms, "+447700900007", .sent, at: now)),
            .init(customerID: nil, message: InMemoryReadRouteTests.message(.email, "ann@example.com", .sent, at: now)),
            .init(customerID: 8, message: InMemoryReadRouteTests.message(.sms, "+447700900008", .sent, at: now)),
        ])
        try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users)) { client in
            #expect(try await RouterTests.call(client, .post, "/api/v1/customers/7/erase", user: RouterTests.smsSender).status == 403)
            let erased = try await RouterTests.call(client, .post, "/api/v1/customers/7/erase")
            #expect(erased.status == 200 && erased.json?["log_rows"]?.integerValue == 2, "\(erased)")
            #expect(stores.history.all.map(\.customerID) == [8], "another customer's message stays")
            #expect(try await RouterTests.call(client, .get, "/api/v1/customers/7/messages").json?["total"]?.integerValue == 0)
            let unknown = try await RouterTests.call(client, .post, "/api/v1/customers/99/erase")
            #expect(unknown.status == 404)
            let entries = stores.audit.all.filter { $0.action == .erase }
            #expect(entries.count == 1 && entries.first?.objectID == 7, "nothing is written for nobody")
            #expect(!"\(entries)".contains("ann@example.com"), "the audit keeps counts, never addresses")
        }
    }

    @Test func unsubscribeLinksSuppressTheAddressInTheLinksLanguage() async throws {
        let stores = InMemoryServiceStores()
        stores.providerEvents.setLocale("de_DE", campaignID: 4, address: "ann@example.com")
        try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users)) { client in
            let token = UnsubscribeToken(scope: .singleSite, channel: .email, address: "ann@example.com", campaignID: 4)
                .encoded(secret: APIFixture.secret)
            let page = try await client.execute(uri: "/unsubscribe/\(token)", method: .get) { ($0.status.code, $0.headers[.contentLanguage]) }
            #expect(page.0 == 200 && page.1 == "de")
            #expect(try await client.execute(uri: "/unsubscribe/\(token)", method: .post) { $0.status.code } == 200)
            let list = try await RouterTests.call(client, .get, "/api/v1/suppressions?channel=email")
            #expect(list.json?["items"]?.arrayValue?.map { $0["address"]?.stringValue } == ["ann@example.com"])
            #expect(list.json?["items"]?.arrayValue?.first?["source"]?.stringValue == "unsubscribe")
            #expect(try await client.execute(uri: "/unsubscribe/not-a-token", method: .post) { $0.status.code } == 400)
        }
    }

    @Test func twilioWebhooksApplyStatusesAndSTOPRepliesOnlyWhenSigned() async throws {
        let stores = InMemoryServiceStores()
        stores.providerEvents.recordSent(sid: "SM123")
        let account = InMemoryServiceStores.twilio.configuration
        let sid = try #require(account.sms.account?.accountSID)
        let sender = try #require(account.sms.account?.sender)
        try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users)) { client in
            func post(_ path: String, _ form: [FormField], token: String = "in-memory-token") async throws -> UInt {
                let signature = TwilioSignature.compute(authToken: token, url: InMemoryServiceStores.publicURL + path, parameters: form)
                var headers = HTTPFields()
                headers[.contentType] = "application/x-www-form-urlencoded"
                headers[HTTPField.Name("X-Twilio-Signature")!] = signature
                return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: FormField.encode(form))) {
                    UInt($0.status.code)
                }
            }
            func reply(_ body: String) -> [FormField] {
                [FormField("AccountSid", sid), FormField("From", "+447700910001"), FormField("To", sender), FormField("Body", body)]
            }
            func suppressed() async throws -> [String?] {
                try await RouterTests.call(client, .get, "/api/v1/suppressions?channel=sms&n=\(UUID().uuidString.prefix(6))")
                    .json?["items"]?.arrayValue?.map { $0["address"]?.stringValue } ?? []
            }
            let status = [FormField("AccountSid", sid), FormField("MessageSid", "SM123"), FormField("MessageStatus", "delivered")]
            let forged = try await post("/webhooks/twilio/status", status, token: "guessed")
            #expect(forged == 403 && stores.providerEvents.message(sid: "SM123")?.status == .sent, "a refused callback changes nothing")
            let genuine = try await post("/webhooks/twilio/status", status)
            #expect(genuine == 200 && stores.providerEvents.message(sid: "SM123")?.status == .delivered)

            let forgedStop = try await post("/webhooks/twilio/inbound", reply("STOP"), token: "guessed")
            let afterForged = try await suppressed()
            #expect(forgedStop == 403 && afterForged.isEmpty)
            let stop = try await post("/webhooks/twilio/inbound", reply("stop "))
            let afterStop = try await suppressed()
            #expect(stop == 200 && afterStop == ["+447700910001"])
            let start = try await post("/webhooks/twilio/inbound", reply("START"))
            let afterStart = try await suppressed()
            #expect(start == 200 && afterStart.isEmpty)
        }
    }

    @Test func whatsAppTemplatesAreListedOrTheProvidersAnswerIsMapped() async throws {
        let template = WhatsAppTemplate(
            sid: "HX" + String(repeating: "a", count: 32), name: "win_back", language: "en", body: "Hi {{1}}",
            variables: [.init(name: "1", example: "Ann")], approval: .approved)
        let answers: [(WhatsAppTemplateList?, Int, String?)] = [
            (nil, 200, nil), (.listed([template]), 200, nil), (.notConfigured("Set the WhatsApp sender"), 409, "provider_not_configured"),
            (.unavailable("20003"), 502, "provider_error"),
        ]
        for (answer, status, code) in answers {
            let stores = InMemoryServiceStores()
            let source: any WhatsAppTemplateSource = answer.map { StaticWhatsAppTemplates($0) } ?? NoWhatsAppTemplates()
            try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users, whatsappTemplates: source)) { client in
                let result = try await RouterTests.call(client, .get, "/api/v1/whatsapp-templates")
                #expect(result.status == status && result.json?["error"]?["code"]?.stringValue == code, "\(String(describing: answer))")
                if status == 200 {
                    let names = result.json?["items"]?.arrayValue?.map { $0["name"]?.stringValue }
                    #expect(names == (answer == nil ? [] : ["win_back"]), "the outbox lists none; the editor asks for the SID")
                }
                #expect(try await RouterTests.call(client, .get, "/api/v1/whatsapp-templates", user: RouterTests.smsSender).status == 403)
            }
        }
    }
}
