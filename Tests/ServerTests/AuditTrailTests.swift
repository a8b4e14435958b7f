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

/// The audit trail (DESIGN §13) through the running service: every change a user makes is
/// recorded in its own transaction, read back newest first, scoped to the tenant and to the
/// channels whose logs the caller may read, and never holds a secret or a long body.
@Suite("Audit trail", .serialized)
struct AuditTrailTests {
    static func entries(_ client: any TestClientProtocol, _ query: String = "", tenant: Int = 1, user: Int = 10) async throws
        -> (status: Int, items: [JSONValue])
    {
        let answer = try await APIFixture.call(
            client, .get, "/api/v1/audit?per_page=100&poll=\(UUID().uuidString)\(query)", tenant: tenant, user: user)
        return (answer.status, answer.json?["items"]?.arrayValue ?? [])
    }

    @Test func everyChangeIsRecordedWithWhoWhatAndWhenNewestFirst() async throws {
        try await APIFixture.live("audit_trail") { pool, client in
            try await pool.withConnection { db in
                try await db.execute("INSERT INTO wpa_users (ID, user_login, display_name) VALUES (10, 'olivia', 'Olivia Owner')")
            }
            func call(_ method: HTTPRequest.Method, _ path: String, _ body: String = "") async throws -> (status: Int, json: JSONValue?) {
                try await APIFixture.call(client, method, path, tenant: 1, user: 10, body: body)
            }
            let long = String(repeating: "Spring offer! ", count: 40)
            let created = try await call(
                .post, "/api/v1/campaigns",
                #"{"channel":"email","name":"Spring","segment":{"type":"all_customers"},"subject":"Hi","body":"\#(long)"}"#)
            let id = try #require(created.json?["id"]?.integerValue)
            _ = try await call(
                .put, "/api/v1/campaigns/\(id)",
                #"{"channel":"email","name":"Spring sale","segment":{"type":"all_customers"},"subject":"Hi","body":"\#(long)"}"#)
            let copy = try #require(try await call(.post, "/api/v1/campaigns/\(id)/duplicate").json?["id"]?.integerValue)
            _ = try await call(.delete, "/api/v1/campaigns/\(copy)")
            _ = try await call(.post, "/api/v1/campaigns/\(id)/send")
            _ = try await call(.post, "/api/v1/campaigns/\(id)/pause")
            _ = try await call(.post, "/api/v1/campaigns/\(id)/cancel")
            // A refused change records nothing: a cancelled campaign cannot be resumed.
            #expect(try await call(.post, "/api/v1/campaigns/\(id)/resume").status == 409)
            let template = try #require(
                try await call(.post, "/api/v1/templates", #"{"channel":"sms","name":"Promo","body":"Hi"}"#).json?["id"]?.integerValue)
            _ = try await call(.delete, "/api/v1/templates/\(template)")
            let suppression = try #require(
                try await call(.post, "/api/v1/suppressions", #"{"channel":"sms","address":"+447700900123","reason":"asked"}"#).json?["id"]?
                    .integerValue)
            _ = try await call(.delete, "/api/v1/suppressions/\(suppression)")
            _ = try await call(.post, "/api/v1/suppressions", #"{"channel":"sms","csv":"+447700900124\n+447700900125\nnot a number"}"#)
            _ = try await call(.put, "/api/v1/settings", #"{"channel":"sms","quiet_hours":{"start":"09:00","end":"20:00"}}"#)
            _ = try await call(.put, "/api/v1/settings", #"{"channel":"sms","quiet_hours":{"start":"09:00","end":"20:00"}}"#)  // no change
            _ = try await call(.post, "/api/v1/manual-send", #"{"channel":"sms","addresses":"+447700900126","body":"Hello"}"#)
            let session = try await client.execute(
                uri: "/api/v1/sessions", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"launch_token":"\#(APIFixture.launchToken(tenant: 1, user: 10))"}"#)
            ) { String(buffer: $0.body) }

            let (status, items) = try await Self.entries(client)
            #expect(status == 200)
            let trail = items.map { "\($0["object_type"]?.stringValue ?? "?"):\($0["action"]?.stringValue ?? "?")" }
            #expect(
                trail == [
                    "session:open", "campaign:manual_send", "settings:update", "suppression:import", "suppression:delete",
                    "suppression:create", "template:delete", "template:create", "campaign:cancel", "campaign:pause", "campaign:send",
                    "campaign:delete", "campaign:duplicate", "campaign:update", "campaign:create",
                ], "\(trail)")
            #expect(items.allSatisfy { $0["user_id"]?.integerValue == 10 && $0["user_name"]?.stringValue == "Olivia Owner" })
            func entry(_ type: String, _ action: String) -> JSONValue? {
                items.first { $0["object_type"]?.stringValue == type && $0["action"]?.stringValue == action }
            }
            #expect(entry("campaign", "update")?["detail"]?["changed"] == .array([.string("name")]))
            #expect(entry("campaign", "update")?["object_id"]?.integerValue == id && entry("campaign", "update")?["channel"]?.stringValue == "email")
            #expect(entry("campaign", "duplicate")?["object_id"]?.integerValue == copy)
            #expect(entry("campaign", "duplicate")?["detail"]?["source_id"]?.integerValue == id)
            #expect(entry("campaign", "pause")?["detail"]?["to"]?.stringValue == "paused")
            #expect(entry("suppression", "import")?["detail"]?["accepted"]?.integerValue == 2)
            #expect(entry("suppression", "import")?["detail"]?["invalid"]?.integerValue == 1)
            #expect(entry("suppression", "delete")?["detail"]?["address"]?.stringValue == "+447700900123")
            let change = entry("settings", "update")?["detail"]?["changes"]?["quiet_hours"]
            #expect(change?["old"] == .null && change?["new"]?["start"]?.stringValue == "09:00", "\(String(describing: change))")
            #expect(entry("session", "open")?["channel"] == .null && entry("session", "open")?["object_id"] == .null)
            // Never a secret, never more than 160 characters of a body.
            let text = String(decoding: try JSONEncoder().encode(JSONValue.array(items)), as: UTF8.self)
            let sessionToken = try #require(session.components(separatedBy: "\"session_token\":\"").dropFirst().first?.prefix(32))
            #expect(!text.contains(String(sessionToken)) && !text.contains(APIFixture.secret))
            #expect(entry("campaign", "manual_send")?["detail"]?["body"]?.stringValue == "Hello")
            #expect(!text.contains(long) && !text.contains(String(long.prefix(200))))

            // A campaign's history; filters by object and user.
            let history = try await Self.entries(client, "&object_type=campaign&object_id=\(id)").items
            #expect(history.map { $0["action"]?.stringValue ?? "" } == ["cancel", "pause", "send", "update", "create"])
            #expect(try await Self.entries(client, "&user_id=20").items.isEmpty)
            #expect(try await Self.entries(client, "&object_type=nonsense").status == 400)
        }
    }

    @Test func theTrailIsScopedToTheTenantAndToTheChannelsWhoseLogsTheCallerMayRead() async throws {
        try await APIFixture.live("audit_scope") { _, client in
            for channel in ["sms", "email"] {
                let subject = channel == "email" ? #","subject":"Hi""# : ""
                _ = try await APIFixture.call(
                    client, .post, "/api/v1/campaigns", tenant: 1, user: 10,
                    body: #"{"channel":"\#(channel)","name":"\#(channel)","segment":{"type":"all_customers"},"body":"Hi"\#(subject)}"#)
            }
            // The owner of tenant 2 sees nothing of tenant 1's.
            #expect(try await Self.entries(client, tenant: 2, user: 20).items.isEmpty)
            // Marketing staff may read SMS logs only: SMS entries, never email ones.
            let staff = try await Self.entries(client, tenant: 1, user: 30)
            #expect(staff.status == 200 && staff.items.map { $0["channel"]?.stringValue } == ["sms"], "\(staff)")
            #expect(try await Self.entries(client, "&channel=email", tenant: 1, user: 30).status == 403)
            // Without any logs permission: 403.
            #expect(try await Self.entries(client, tenant: 1, user: 31).status == 403)
            #expect(try await Self.entries(client, tenant: 1, user: 10).items.count == 2)
        }
    }
}
