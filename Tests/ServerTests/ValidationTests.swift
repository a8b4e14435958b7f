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

@Suite("Bad input over HTTP", .serialized)
struct ValidationTests {
    static func campaignCount(_ pool: MariaDBPool) async throws -> Int {
        try await pool.withConnection { try await $0.queryFirst("SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns")!.decode("n") }
    }

    @Test func badRequestsGetTheDocumentedErrorAndChangeNothing() async throws {
        try await APIFixture.live("validation") { pool, client in
            let cases: [(String, Int, String, String?)] = [  // body, status, code, field
                ("{not json", 400, "invalid_json", nil),
                ("[]", 400, "validation_failed", "body"),
                (#"{"channel":"fax","name":"x","segment":{"type":"all_customers"},"body":"b"}"#, 400, "validation_failed", "channel"),
                (#"{"channel":"sms","name":"","segment":{"type":"all_customers"},"body":"b"}"#, 400, "validation_failed", "name"),
                (
                    #"{"channel":"sms","name":"\#(String(repeating: "n", count: 191))","segment":{"type":"all_customers"},"body":"b"}"#, 400,
                    "validation_failed", "name"
                ),
                (#"{"channel":"sms","name":"x","segment":{"type":"nope"},"body":"b"}"#, 400, "validation_failed", "segment.type"),
                (#"{"channel":"sms","name":"x","segment":{"type":"lapsed","days":0},"body":"b"}"#, 400, "validation_failed", "segment.days"),
                (#"{"channel":"sms","name":"x","segment":{"type":"lapsed","days":3651},"body":"b"}"#, 400, "validation_failed", "segment.days"),
                (#"{"channel":"sms","name":"x","segment":{"type":"lapsed","days":"90"},"body":"b"}"#, 400, "validation_failed", "segment.days"),
                (
                    #"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"filters":{"service_ids":[1,"2"]},"body":"b"}"#, 400,
                    "validation_failed", "filters.service_ids[1]"
                ),
                (
                    #"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"filters":{"service_ids":[1.5]},"body":"b"}"#, 400,
                    "validation_failed", "filters.service_ids[0]"
                ),
                (#"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"body":""}"#, 400, "validation_failed", "body"),
                (#"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"body":42}"#, 400, "validation_failed", "body"),
                (#"{"channel":"email","name":"x","segment":{"type":"all_customers"},"body":"b"}"#, 400, "validation_failed", "subject"),
                (
                    #"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"body":"b","scheduled_at":"2001-01-01T00:00:00Z"}"#, 400,
                    "validation_failed", "scheduled_at"
                ),
                (
                    #"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"body":"b","scheduled_at":"tomorrow"}"#, 400,
                    "validation_failed", "scheduled_at"
                ),
                (
                    #"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"body":"b","recurrence":"61 * * * *"}"#, 400,
                    "validation_failed", "recurrence"
                ),
                (
                    #"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"body":"b","template_id":999999}"#, 400, "validation_failed",
                    "template_id"
                ),
            ]
            for (body, status, code, field) in cases {
                let result = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: 1, user: 1, body: body)
                #expect(result.status == status, "\(body)")
                #expect(result.json?["error"]?["code"]?.stringValue == code, "\(body)")
                if let field { #expect(result.json?["error"]?["field"]?.stringValue == field, "\(body)") }
                #expect(result.json?["error"]?["message"]?.stringValue?.isEmpty == false)
            }
            #expect(try await Self.campaignCount(pool) == 0)

            // Non-UTF-8 bytes.
            let bytes = ByteBuffer(bytes: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D])
            let path = "/api/v1/campaigns"
            var headers = HTTPFields()
            let ts = Int(Date().timeIntervalSince1970)
            headers[HTTPField.Name("X-Bkntc-Timestamp")!] = String(ts)
            headers[HTTPField.Name("X-Bkntc-Tenant")!] = "1"
            headers[HTTPField.Name("X-Bkntc-User")!] = "1"
            headers[HTTPField.Name("X-Bkntc-Signature")!] = RequestAuthenticator.signature(
                secret: APIFixture.secret, timestamp: String(ts), method: "POST", pathAndQuery: path, tenant: "1", user: "1",
                body: Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]))
            headers[.contentType] = "application/json"
            let invalid = try await client.execute(uri: path, method: .post, headers: headers, body: bytes) { Int($0.status.code) }
            #expect(invalid == 400)

            // A body over 1 MiB.
            let huge = #"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"body":""# + String(repeating: "a", count: 1_100_000) + #""}"#
            let tooLarge = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: 1, user: 1, body: huge)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.json?["error"]?["code"]?.stringValue == "body_too_large")

            // Wrong content type.
            var textHeaders = APIFixture.signed(.post, path, tenant: 1, user: 1, body: "{}")
            textHeaders[.contentType] = "text/plain"
            #expect(
                try await client.execute(uri: path, method: .post, headers: textHeaders, body: ByteBuffer(string: "{}")) { Int($0.status.code) }
                    == 415)

            // SQL-looking input is data; unknown fields are ignored.
            let sqlName = "x'); DROP TABLE wpa_bkntc_campaigns; --"
            let created = try await APIFixture.call(
                client, .post, "/api/v1/campaigns", tenant: 1, user: 1,
                body: #"{"channel":"sms","name":"\#(sqlName)","segment":{"type":"all_customers"},"body":"Hi {customer_nickname}","colour":"blue"}"#)
            #expect(created.status == 201)
            #expect(created.json?["name"]?.stringValue == sqlName)
            #expect(created.json?["warnings"] == .array([.string("unknown shortcode {customer_nickname} in body")]))
            #expect(try await Self.campaignCount(pool) == 1)

            // Paging and ids.
            #expect(try await APIFixture.call(client, .get, "/api/v1/campaigns?per_page=101", tenant: 1, user: 1).status == 400)
            #expect(try await APIFixture.call(client, .get, "/api/v1/campaigns?page=0", tenant: 1, user: 1).status == 400)
            #expect(try await APIFixture.call(client, .get, "/api/v1/campaigns?status=nope", tenant: 1, user: 1).status == 400)
            #expect(try await APIFixture.call(client, .get, "/api/v1/campaigns/abc", tenant: 1, user: 1).status == 404)
            #expect(try await APIFixture.call(client, .get, "/api/v1/nothing-here", tenant: 1, user: 1).status == 404)
            // Invalid suppression address.
            let badAddress = try await APIFixture.call(
                client, .post, "/api/v1/suppressions", tenant: 1, user: 1, body: #"{"channel":"sms","address":"call me"}"#)
            #expect(badAddress.status == 400)
            #expect(badAddress.json?["error"]?["field"]?.stringValue == "address")
        }
    }

    @Test func endToEndComposePreviewSendAndRead() async throws {
        try await APIFixture.live("e2e") { pool, client in
            let preview = try await APIFixture.call(
                client, .post, "/api/v1/segments/preview", tenant: 1, user: 1,
                body: #"{"channel":"sms","segment":{"type":"all_customers"},"body":"Hi {customer_first_name} 👋"}"#)
            #expect(preview.status == 200)
            #expect(preview.json?["count"]?.integerValue == 6)
            #expect(preview.json?["sms"]?["encoding"]?.stringValue == "UCS-2")
            let created = try await APIFixture.call(
                client, .post, "/api/v1/campaigns", tenant: 1, user: 1,
                body:
                    #"{"channel":"email","name":"News","subject":"Hello {customer_first_name}","segment":{"type":"all_customers"},"body":"<p>Hi {customer_full_name}</p>"}"#
            )
            let id = try #require(created.json?["id"]?.integerValue)
            #expect(created.json?["status"]?.stringValue == "draft")
            let messages = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/preview-messages", tenant: 1, user: 1)
            if case .array(let items)? = messages.json?["items"] {
                #expect(items.count == 6)
                #expect(items.first?["subject"]?.stringValue == "Hello Cus1")
                #expect(items.first?["body"]?.stringValue == "<p>Hi Cus1 T1</p>")
            } else {
                Issue.record("preview-messages returned no items")
            }
            let sent = try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 1)
            #expect(sent.json?["status"]?.stringValue == "queued")
            #expect(sent.json?["tenant_id"]?.integerValue == 1)
            #expect(sent.json?["counters"]?["total"]?.integerValue == 6)
            #expect(sent.json?["counters"]?["pending"]?.integerValue == 6)
            let listed = try await APIFixture.call(client, .get, "/api/v1/campaigns?channel=email", tenant: 1, user: 1)
            if case .array(let items)? = listed.json?["items"] {
                #expect(items.first?["counters"]?["pending"]?.integerValue == 6)
            } else {
                Issue.record("the list has no items")
            }
            let progress = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/progress", tenant: 1, user: 1)
            #expect(progress.json?["total"]?.integerValue == 6)
            #expect(progress.json?["pending"]?.integerValue == 6)
            #expect(progress.json?["sent"]?.integerValue == 0)
            let logs = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/logs?per_page=2", tenant: 1, user: 1)
            #expect(logs.json?["total"]?.integerValue == 6)
            if case .array(let rows)? = logs.json?["items"] {
                #expect(rows.count == 2)
                #expect(rows.first?["address"]?.stringValue == "c1.t1@example.com")
                #expect(rows.first?["status"]?.stringValue == "pending")
                #expect(rows.first?["attempts"]?.integerValue == 0)
            }
            let again = try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send?again=1", tenant: 1, user: 1)
            #expect(again.status == 409)
            #expect(
                try await APIFixture.call(
                    client, .put, "/api/v1/campaigns/\(id)", tenant: 1, user: 1,
                    body: #"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"body":"b"}"#
                ).json?["error"]?["code"]?.stringValue == "campaign_locked")
            #expect(try await APIFixture.call(client, .delete, "/api/v1/campaigns/\(id)", tenant: 1, user: 1).status == 409)
            let csv = try await client.execute(
                uri: "/api/v1/campaigns/\(id)/logs.csv", method: .get,
                headers: APIFixture.signed(.get, "/api/v1/campaigns/\(id)/logs.csv", tenant: 1, user: 1)
            ) { String(decoding: $0.body.readableBytesView, as: UTF8.self) }
            let lines = csv.split(separator: "\r\n")
            #expect(lines.count == 7)
            #expect(csv.hasPrefix("\u{FEFF}id,run,customer_id,address"))
        }
    }
}

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

/// Regressions found by schemathesis and review: each used to crash, 500 or misbehave.
@Suite("Fuzzing regressions", .serialized)
struct FuzzRegressionTests {
    @Test func pagingOffsetSaturates() {
        #expect(PageRequest(page: Int.max, perPage: 100).offset == Int.max)
        #expect(PageRequest(page: 3, perPage: 20).offset == 40)
    }

    @Test func inputsAtTheEdgesAreRefusedCleanly() async throws {
        try await APIFixture.live("fuzz") { pool, client in
            // A huge page number used to overflow and kill the process.
            for path in ["/api/v1/templates?page=922337203685477580", "/api/v1/campaigns?page=922337203685477580"] {
                #expect(try await APIFixture.call(client, .get, path, tenant: 1, user: 1).status == 400)
            }
            #expect(try await APIFixture.call(client, .get, "/api/v1/health-after-overflow", tenant: 1, user: 1).status == 404)
            func create(_ extra: String, name: String = "Edge") async throws -> (Int, String?) {
                let body = #"{"channel":"sms","name":"\#(name)","segment":{"type":"all_customers"},"body":"b"\#(extra)}"#
                let result = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: 1, user: 1, body: body)
                return (result.status, result.json?["error"]?["field"]?.stringValue)
            }
            // Lengths are counted in code points, as the database does.
            let decomposed = String(repeating: "e\u{301}", count: 95)  // 95 characters, 190 code points
            #expect(try await create("", name: decomposed).0 == 201)
            #expect(try await create("", name: decomposed + "e\u{301}") == (400, "name"))
            let everyMinute = (0...59).map(String.init).joined(separator: ",") + " * * * *"
            #expect(try await create(#","recurrence":"\#(everyMinute)""#) == (400, "recurrence"))
            let huge = String(repeating: "x", count: 70_000)
            #expect(try await create(#","content_variables":{"1":"\#(huge)"}"#).0 == 400)
            // Milliseconds or year-9999 dates used to store a zero date and send at once.
            #expect(try await create(#","scheduled_at":1767225600000"#) == (400, "scheduled_at"))
            #expect(try await create(#","scheduled_at":"9999-12-31T23:59:59-05:00""#) == (400, "scheduled_at"))
            // Non-ASCII search terms against the ASCII address column.
            #expect(try await APIFixture.call(client, .get, "/api/v1/suppressions?channel=sms&q=%C3%A9", tenant: 1, user: 1).status == 200)
            // Paging counts only the templates the caller may see (sms-only staff: 7 built-ins).
            _ = try await APIFixture.call(
                client, .post, "/api/v1/templates", tenant: 1, user: 1, body: #"{"channel":"email","name":"E","subject":"s","body":"b"}"#)
            let staffView = try await APIFixture.call(client, .get, "/api/v1/templates?per_page=2", tenant: 1, user: 30)
            #expect(staffView.json?["total"]?.integerValue == 7)
            if case .array(let items)? = staffView.json?["items"] { #expect(items.count == 2) }
        }
    }
}

@Suite("Booknetic settings", .serialized)
struct SiteSettingsTests {
    @Test func aTenantsDefaultCountryCodeOverridesTheServiceDefault() async throws {
        try await APIFixture.live("settings") { pool, client in  // BKNTC_DEFAULT_COUNTRY_CODE=44
            try await pool.withConnection { db in
                try await db.execute("UPDATE wpa_bkntc_tenants SET plan_id = 1 WHERE id = 2")  // Pro: WhatsApp allowed
                try await db.execute("INSERT INTO wpa_options (option_name, option_value) VALUES ('bkntc_t1_default_country_code', '+33')")
                try await db.execute("INSERT INTO wpa_options (option_name, option_value) VALUES ('bkntc_default_country_code', 'not a code')")
                for tenant in [1, 2] {
                    try await db.execute(
                        "INSERT INTO wpa_bkntc_customers (first_name, phone_number, tenant_id) VALUES ('National', '06 12 34 56 78', \(tenant))")
                }
            }
            func sample(_ tenant: Int, _ user: Int) async throws -> [String] {
                let preview = try await APIFixture.call(
                    client, .post, "/api/v1/segments/preview", tenant: tenant, user: user,
                    body: #"{"channel":"whatsapp","segment":{"type":"all_customers"},"sample_size":100}"#)
                guard case .array(let items)? = preview.json?["sample"] else { return [] }
                return items.compactMap { $0["address"]?.stringValue }
            }
            #expect(try await sample(1, 1).contains("+33612345678"))
            let tenantTwo = try await sample(2, 1)  // the invalid global option is ignored: the service default applies
            #expect(tenantTwo.contains("+44612345678"))
            #expect(!tenantTwo.contains("+33612345678"))
            let added = try await APIFixture.call(
                client, .post, "/api/v1/suppressions", tenant: 1, user: 1, body: #"{"channel":"whatsapp","address":"06 12 34 56 78"}"#)
            #expect(added.json?["address"]?.stringValue == "+33612345678")
            #expect(try await sample(1, 1).contains("+33612345678") == false, "now suppressed")
        }
    }
}
