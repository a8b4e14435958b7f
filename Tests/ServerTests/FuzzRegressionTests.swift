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
