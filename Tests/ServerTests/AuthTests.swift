import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Server
import TestSupport
import Testing

@Suite("Authentication over HTTP", .serialized)
struct AuthTests {
    @Test func signaturesAreCheckedStrictly() async throws {
        try await APIFixture.live("signature") { pool, client in
            let path = "/api/v1/campaigns?channel=sms&per_page=5"
            func status(_ headers: HTTPFields, method: HTTPRequest.Method = .get, path: String = path, body: String = "") async throws -> Int {
                try await client.execute(uri: path, method: method, headers: headers, body: body.isEmpty ? nil : ByteBuffer(string: body)) {
                    Int($0.status.code)
                }
            }
            #expect(try await status(APIFixture.signed(.get, path, tenant: 1, user: 1)) == 200)
            #expect(try await status(APIFixture.signed(.get, path, tenant: 1, user: 1, secret: "wrong-secret-0123456789")) == 401)
            // Outside the ±300 s window. (The exact ends are checked on an injected clock in
            // RouterTests: here the time a request takes to arrive moves a future timestamp
            // back into the window, so that side keeps a margin.)
            #expect(try await status(APIFixture.signed(.get, path, tenant: 1, user: 1, timestamp: Int(Date().timeIntervalSince1970) - 301)) == 401)
            #expect(try await status(APIFixture.signed(.get, path, tenant: 1, user: 1, timestamp: Int(Date().timeIntervalSince1970) + 330)) == 401)
            // Tampering with any signed part.
            var tenant = APIFixture.signed(.get, path, tenant: 1, user: 1)
            tenant[HTTPField.Name("X-Bkntc-Tenant")!] = "2"
            #expect(try await status(tenant) == 401)
            var user = APIFixture.signed(.get, path, tenant: 1, user: 10)
            user[HTTPField.Name("X-Bkntc-User")!] = "1"
            #expect(try await status(user) == 401)
            #expect(try await status(APIFixture.signed(.get, path, tenant: 1, user: 1), path: "/api/v1/campaigns?channel=email&per_page=5") == 401)
            let body = #"{"channel":"sms","segment":{"type":"all_customers"}}"#
            let bodyHeaders = APIFixture.signed(.post, "/api/v1/segments/preview", tenant: 1, user: 1, body: body)
            #expect(
                try await status(
                    bodyHeaders, method: .post, path: "/api/v1/segments/preview", body: body.replacingOccurrences(of: "sms", with: "email")) == 401)
            // Replay of a valid request.
            let once = APIFixture.signed(.post, "/api/v1/segments/preview", tenant: 1, user: 1, body: body)
            #expect(try await status(once, method: .post, path: "/api/v1/segments/preview", body: body) == 200)
            #expect(try await status(once, method: .post, path: "/api/v1/segments/preview", body: body) == 401)
            // No credentials at all; the error shape is JSON.
            let anonymous = try await client.execute(uri: "/api/v1/campaigns", method: .get) { response in
                (Int(response.status.code), try JSONDecoder().decode(JSONValue.self, from: Data(response.body.readableBytesView)))
            }
            #expect(anonymous.0 == 401)
            #expect(anonymous.1["error"]?["code"]?.stringValue == "unauthorized")
            // Operations endpoints are open.
            #expect(try await client.execute(uri: "/health", method: .get) { Int($0.status.code) } == 200)
            #expect(try await client.execute(uri: "/ready", method: .get) { Int($0.status.code) } == 200)
        }
    }

    @Test func browserSessions() async throws {
        try await APIFixture.live("sessions") { pool, client in
            func exchange(_ token: String) async throws -> (Int, JSONValue?) { try await APIFixture.exchange(client, token) }
            func get(_ bearer: String, _ path: String = "/api/v1/campaigns?channel=sms") async throws -> Int {
                try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(bearer)"]) { Int($0.status.code) }
            }
            let launch = APIFixture.launchToken(tenant: 1, user: 10)
            let (status, json) = try await exchange(launch)
            #expect(status == 201)
            let session = try #require(json?["session_token"]?.stringValue)
            #expect(json?["expires_at"]?.stringValue != nil)
            #expect(try await get(session) == 200)
            // A launch token works once.
            #expect(try await exchange(launch).0 == 401)
            // Expired, too long-lived, wrongly signed, garbage.
            #expect(try await exchange(APIFixture.launchToken(tenant: 1, user: 10, lifetime: -5)).0 == 401)
            #expect(try await exchange(APIFixture.launchToken(tenant: 1, user: 10, lifetime: 600)).0 == 401)
            #expect(try await exchange(APIFixture.launchToken(tenant: 1, user: 10, secret: "another-secret-0123456")).0 == 401)
            #expect(try await exchange("not-a-token").0 == 401)
            // The MAC covers the first base64url part only (DESIGN §7), not the JSON bytes; the
            // *_id field names work.
            #expect(try await exchange(APIFixture.launchToken(tenant: 1, user: 10, macOverJSON: true)).0 == 401)
            #expect(try await exchange(APIFixture.launchToken(tenant: 1, user: 10, fieldNames: ("tenant_id", "user_id"))).0 == 201)
            // A session carries its tenant and user: tenant 1's owner can't see or touch tenant 2's
            // real objects (tenant 2's plan allows email).
            let theirs = try await APIFixture.call(
                client, .post, "/api/v1/campaigns", tenant: 2, user: 20,
                body: #"{"channel":"email","name":"Theirs","subject":"Hi","segment":{"type":"all_customers"},"body":"Hello"}"#)
            let theirID = try #require(theirs.json?["id"]?.integerValue)
            let theirTemplate = try await APIFixture.call(
                client, .post, "/api/v1/templates", tenant: 2, user: 20, body: #"{"channel":"email","name":"Theirs","subject":"S","body":"B"}"#)
            let theirTemplateID = try #require(theirTemplate.json?["id"]?.integerValue)
            #expect(try await get(session, "/api/v1/campaigns/\(theirID)") == 404)
            #expect(try await get(session, "/api/v1/campaigns/\(theirID)/logs") == 404)
            for (method, path) in [
                (HTTPRequest.Method.post, "/api/v1/campaigns/\(theirID)/send"), (.delete, "/api/v1/campaigns/\(theirID)"),
                (.delete, "/api/v1/templates/\(theirTemplateID)"),
            ] {
                let status = try await client.execute(uri: path, method: method, headers: [.authorization: "Bearer \(session)"]) {
                    Int($0.status.code)
                }
                #expect(status == 404, "\(method) \(path)")
            }
            let after = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(theirID)", tenant: 2, user: 20)
            #expect(after.status == 200 && after.json?["status"]?.stringValue == "draft", "tenant 2's campaign is untouched")
            #expect(
                try await APIFixture.call(client, .get, "/api/v1/templates?channel=email&q=Theirs", tenant: 2, user: 20)
                    .json?["total"]?.integerValue == 1)
            #expect(try await get(session + "x") == 401)
            // Revocation.
            let revoked = try await client.execute(
                uri: "/api/v1/sessions/current", method: .delete, headers: [.authorization: "Bearer \(session)"]
            ) { Int($0.status.code) }
            #expect(revoked == 204)
            #expect(try await get(session) == 401)
            // Expiry: a session whose time is up is refused.
            let (_, other) = try await exchange(APIFixture.launchToken(tenant: 1, user: 1))
            let second = try #require(other?["session_token"]?.stringValue)
            try await pool.withConnection { db in
                try await db.execute(
                    "UPDATE wpa_bkntc_campaign_sessions SET expires_at = '2000-01-01 00:00:00' WHERE id = \(String(second.prefix(32)))")
            }
            #expect(try await get(second) == 401)
        }
    }
}

@Suite("Rate limits over HTTP", .serialized)
struct RateLimitTests {
    @Test func callersAreThrottledSeparatelyAndFailedLoginsByAddress() async throws {
        // One token per 100 s: no stall of a busy machine between the calls refills one.
        try await APIFixture.live("ratelimit", rateLimit: 0.01, burst: 3) { pool, client in
            var statuses: [Int] = []
            for page in 1...4 {
                statuses.append(try await APIFixture.call(client, .get, "/api/v1/campaigns?page=\(page)", tenant: 1, user: 1).status)
            }
            #expect(statuses == [200, 200, 200, 429])
            let limited = try await client.execute(
                uri: "/api/v1/campaigns?page=9", method: .get, headers: APIFixture.signed(.get, "/api/v1/campaigns?page=9", tenant: 1, user: 1)
            ) { ($0.headers[.retryAfter], try JSONDecoder().decode(JSONValue.self, from: Data($0.body.readableBytesView))) }
            #expect(limited.0 != nil)
            #expect(limited.1["error"]?["code"]?.stringValue == "rate_limited")
            // Another user has its own bucket.
            #expect(try await APIFixture.call(client, .get, "/api/v1/campaigns", tenant: 1, user: 10).status == 200)
            // Bad signatures are limited per address: after the burst they get 429 instead of 401.
            var failures: [Int] = []
            for attempt in 1...5 {
                var headers = APIFixture.signed(.get, "/api/v1/campaigns?try=\(attempt)", tenant: 1, user: 1, secret: "guess-\(attempt)-0123456789")
                headers[.contentType] = nil
                failures.append(
                    try await client.execute(uri: "/api/v1/campaigns?try=\(attempt)", method: .get, headers: headers) { Int($0.status.code) })
            }
            #expect(failures.prefix(3).allSatisfy { $0 == 401 })
            #expect(failures.last == 429)
        }
    }
}
