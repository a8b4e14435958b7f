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

/// DESIGN §21 through the running service: a double click never creates or sends twice.
/// `Idempotency-Key` replays the first answer to the same user in the same tenant, refuses the
/// key with another body, keeps users apart, refuses malformed keys, and lets exactly one of two
/// concurrent requests with one key run.
@Suite("Idempotency-Key through the service", .serialized)
struct IdempotencyTests {
    static let keyHeader = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!

    struct Answer {
        let status: Int
        let body: String
        let headers: HTTPFields
        var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)) }
        var code: String? { json?["error"]?["code"]?.stringValue }
        var replayed: Bool { headers[IdempotencyTests.replayedHeader] == "true" }
    }

    /// A signed POST with `key`. Each call gets a query string of its own (the key's scope is the
    /// path without it), so that the same request sent twice within a second is not refused as a
    /// replayed signature before the key is looked at.
    static func post(
        _ client: any TestClientProtocol, _ path: String, body: String = "", key: String?, tenant: Int = 1, user: Int = 10
    ) async throws -> Answer {
        let target = "\(path)?call=\(UUID().uuidString)"
        var headers = APIFixture.signed(.post, target, tenant: tenant, user: user, body: body)
        if let key { headers[keyHeader] = key }
        return try await client.execute(
            uri: target, method: .post, headers: headers, body: body.isEmpty ? nil : ByteBuffer(string: body)
        ) { Answer(status: Int($0.status.code), body: String(buffer: $0.body), headers: $0.headers) }
    }

    static func count(_ pool: MariaDBPool, _ sql: MariaDBQuery) async throws -> Int {
        try await pool.withConnection { db in try await db.queryFirst(sql)?.decode("n", as: Int.self) ?? -1 }
    }

    static let campaign = #"{"channel":"sms","name":"Double click","segment":{"type":"all_customers"},"body":"Hi {customer_first_name}"}"#

    @Test func aRepeatedKeyGetsTheFirstAnswerAndChangesNothing() async throws {
        try await APIFixture.live("idem_replay") { pool, client in
            let first = try await Self.post(client, "/api/v1/campaigns", body: Self.campaign, key: "save-and-send-1")
            #expect(first.status == 201 && !first.replayed, "\(first.body)")
            let id = try #require(first.json?["id"]?.integerValue)
            let again = try await Self.post(client, "/api/v1/campaigns", body: Self.campaign, key: "save-and-send-1")
            #expect(again.status == 201 && again.replayed && again.body == first.body)
            #expect(again.headers[.contentType] == first.headers[.contentType])
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns WHERE tenant_key = 1") == 1)

            // Send, twice with one key: one snapshot, the same answer (without the key the second
            // send would be a 409: the campaign is already queued).
            let send = try await Self.post(client, "/api/v1/campaigns/\(id)/send", key: "send-1")
            #expect(send.status == 200 && send.json?["status"]?.stringValue == "queued", "\(send.body)")
            let resend = try await Self.post(client, "/api/v1/campaigns/\(id)/send", key: "send-1")
            #expect(resend.status == 200 && resend.replayed && resend.body == send.body)
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_logs WHERE campaign_id = \(id)") == 6)
            let unkeyed = try await Self.post(client, "/api/v1/campaigns/\(id)/send", key: nil)
            #expect(unkeyed.status == 409 && !unkeyed.replayed, "requests without the key behave as before")

            // An error answer (< 500) is kept too: the same 404 again, still nothing created.
            let missing = try await Self.post(client, "/api/v1/campaigns/999999/duplicate", key: "dup-1")
            let missingAgain = try await Self.post(client, "/api/v1/campaigns/999999/duplicate", key: "dup-1")
            #expect(missing.status == 404 && missingAgain.status == 404 && missingAgain.replayed && missingAgain.body == missing.body)

            // The key is stored with its scope, never across tenants.
            let stored = try await pool.withConnection { db in
                try await db.query("SELECT tenant_key, user_id, method, path, state, response_status FROM wpa_bkntc_campaign_idempotency ORDER BY id")
                    .map {
                        "\(try $0.decode("tenant_key", as: Int.self)) \(try $0.decode("user_id", as: Int.self)) \(try $0.decode("method", as: String.self)) \(try $0.decode("path", as: String.self)) \(try $0.decode("state", as: String.self)) \(try $0.decode("response_status", as: Int.self))"
                    }
            }
            #expect(
                stored == [
                    "1 10 POST /api/v1/campaigns done 201", "1 10 POST /api/v1/campaigns/\(id)/send done 200",
                    "1 10 POST /api/v1/campaigns/999999/duplicate done 404",
                ])
        }
    }

    @Test func theSameKeyWithAnotherBodyIsRefused() async throws {
        try await APIFixture.live("idem_reused") { pool, client in
            let first = try await Self.post(client, "/api/v1/campaigns", body: Self.campaign, key: "k-1")
            #expect(first.status == 201)
            let other = Self.campaign.replacingOccurrences(of: "Double click", with: "Something else")
            let reused = try await Self.post(client, "/api/v1/campaigns", body: other, key: "k-1")
            #expect(reused.status == 422 && reused.code == "idempotency_key_reused" && !reused.replayed, "\(reused.body)")
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns") == 1)
            // A new key for the new action works.
            #expect(try await Self.post(client, "/api/v1/campaigns", body: other, key: "k-2").status == 201)
        }
    }

    @Test func anotherUsersIdenticalKeyIsAnotherKey() async throws {
        try await APIFixture.live("idem_users") { pool, client in
            let owner = try await Self.post(client, "/api/v1/campaigns", body: Self.campaign, key: "same-key", user: 10)
            let admin = try await Self.post(client, "/api/v1/campaigns", body: Self.campaign, key: "same-key", user: 1)
            #expect(owner.status == 201 && admin.status == 201 && !admin.replayed)
            #expect(owner.json?["id"]?.integerValue != admin.json?["id"]?.integerValue)
            // Another tenant's owner with the same key: a creation of its own, in its own tenant.
            let email = #"{"channel":"email","name":"News","subject":"Hi","segment":{"type":"all_customers"},"body":"Hello"}"#
            let tenantTwo = try await Self.post(client, "/api/v1/campaigns", body: email, key: "same-key", tenant: 2, user: 20)
            #expect(tenantTwo.status == 201 && !tenantTwo.replayed, "\(tenantTwo.body)")
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns") == 3)
        }
    }

    @Test func malformedKeysAreRefusedBeforeAnythingRuns() async throws {
        try await APIFixture.live("idem_malformed") { pool, client in
            for key in ["", "has space", String(repeating: "x", count: 65), "tab\there"] {
                let answer = try await Self.post(client, "/api/v1/campaigns", body: Self.campaign, key: key)
                #expect(answer.status == 400 && answer.code == "invalid_idempotency_key", "\(key.debugDescription): \(answer.body)")
            }
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns") == 0)
            // The longest and the most varied well-formed keys are fine.
            let long = String(repeating: "~", count: 64)
            #expect(try await Self.post(client, "/api/v1/campaigns", body: Self.campaign, key: long).status == 201)
            #expect(
                try await Self.post(client, "/api/v1/templates", body: #"{"channel":"sms","name":"T","body":"B"}"#, key: "!#$%&'*+-.^_`|~0aZ").status
                    == 201)
        }
    }

    @Test func twoConcurrentRequestsWithOneKeyCreateOnce() async throws {
        try await APIFixture.live("idem_concurrent") { pool, client in
            let port = try #require(client.port)
            let body = #"{"channel":"sms","body":"Hi {customer_first_name}","addresses":"+447700900301\n+447700900302"}"#
            // Two connections at once (a double click), each signed for its own query string.
            let answers = try await withThrowingTaskGroup(of: LoopbackHTTP.Answer.self) { group in
                for click in 0..<2 {
                    group.addTask {
                        let target = "/api/v1/manual-send?click=\(click)"
                        var headers = APIFixture.signed(.post, target, tenant: 1, user: 10, body: body)
                        headers[Self.keyHeader] = "send-now-1"
                        return try await LoopbackHTTP.send(
                            port: port, from: "127.0.0.1", method: "POST", path: target,
                            headers: headers.map { ($0.name.rawName, $0.value) }, body: body)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.map(\.status) == [202, 202], "\(answers.map(\.body))")
            #expect(Set(answers.map(\.body)).count == 1, "the same answer: one manual send")
            #expect(answers.filter { $0.headers["idempotent-replayed"] == "true" }.count == 1)
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns WHERE kind = 'manual'") == 1)
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_logs") == 2)
        }
    }
}
