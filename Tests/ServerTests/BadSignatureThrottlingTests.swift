import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Messaging
import Server
import TestSupport
import Testing

/// Repeated bad signatures from one address are throttled (issue: reliability, security): after
/// the burst, API calls with a wrong `X-Bkntc-Signature` and Twilio webhooks with a wrong
/// `X-Twilio-Signature` get 429 with `Retry-After` instead of 401/403, while another address
/// keeps its own budget and correctly signed callers are not slowed down at all.
@Suite("Throttling of bad signatures", .serialized)
struct BadSignatureThrottlingTests {
    static func fields(_ headers: HTTPFields) -> [(String, String)] {
        headers.map { ($0.name.rawName, $0.value) }
    }

    @Test func badAPISignaturesFromOneAddressAreThrottledAndOthersAreNot() async throws {
        try await TwoTenantFixture.live("throttle_api", rateLimit: 0.01, burst: 3) { _, client in
            let port = try #require(client.port)
            func guess(_ n: Int, from source: String) async throws -> LoopbackHTTP.Answer {
                let path = "/api/v1/campaigns?channel=sms&guess=\(n)"
                let headers = APIFixture.signed(.get, path, tenant: 1, user: 1, secret: "a-guessed-secret-\(n)-0123456789")
                return try await LoopbackHTTP.send(port: port, from: source, method: "GET", path: path, headers: Self.fields(headers))
            }
            var statuses: [Int] = []
            for n in 1...5 { statuses.append(try await guess(n, from: "127.0.0.1").status) }
            #expect(statuses == [401, 401, 401, 429, 429])
            let limited = try await guess(6, from: "127.0.0.1")
            #expect(limited.status == 429)
            #expect((Int(limited.headers["retry-after"] ?? "") ?? 0) >= 1, "\(limited.headers)")
            #expect(limited.body.contains("\"rate_limited\""))
            // Another address has a budget of its own.
            let other = try await guess(7, from: "127.0.0.2")
            #expect(other.status == 401)
            // Good callers, from the throttled address and from another one, are unaffected.
            for (n, source) in [(1, "127.0.0.1"), (2, "127.0.0.2")] {
                let path = "/api/v1/campaigns?channel=sms&good=\(n)"
                let headers = APIFixture.signed(.get, path, tenant: 1, user: 10)
                let answer = try await LoopbackHTTP.send(port: port, from: source, method: "GET", path: path, headers: Self.fields(headers))
                #expect(answer.status == 200, "good caller from \(source): \(answer.body)")
            }
        }
    }

    @Test func badTwilioSignaturesAreThrottledAndChangeNothing() async throws {
        try await TwoTenantFixture.live("throttle_twilio", rateLimit: 0.01, burst: 3) { pool, client in
            let port = try #require(client.port)
            let account = TwoTenantFixture.one
            let path = "/webhooks/twilio/inbound"
            let stop = [
                FormField("AccountSid", account.sid), FormField("From", "+447700910001"), FormField("To", account.sender), FormField("Body", "STOP"),
            ]
            func post(_ token: String, from source: String) async throws -> LoopbackHTTP.Answer {
                let signature = TwilioSignature.compute(authToken: token, url: TwoTenantFixture.publicURL + path, parameters: stop)
                return try await LoopbackHTTP.send(
                    port: port, from: source, method: "POST", path: path,
                    headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", signature)],
                    body: FormField.encode(stop))
            }
            let before = try await TwoTenantFixture.snapshot(pool, tenant: 1)
            var statuses: [Int] = []
            for n in 1...5 { statuses.append(try await post("guessed-token-\(n)", from: "127.0.0.1").status) }
            #expect(statuses == [403, 403, 403, 429, 429])
            let limited = try await post("guessed-token-6", from: "127.0.0.1")
            #expect(limited.status == 429)
            #expect((Int(limited.headers["retry-after"] ?? "") ?? 0) >= 1, "\(limited.headers)")
            let other = try await post("guessed-token-7", from: "127.0.0.2")
            #expect(other.status == 403, "another address has its own budget")
            #expect(try await TwoTenantFixture.snapshot(pool, tenant: 1) == before, "a refused webhook changes nothing")
            // Twilio itself (a correct signature) is never throttled, even from the throttled address.
            let genuine = try await post(account.token, from: "127.0.0.1")
            #expect(genuine.status == 200 && genuine.body == "<Response></Response>")
            let suppressed = try await APIFixture.call(client, .get, "/api/v1/suppressions?channel=sms", tenant: 1, user: 10)
            #expect(suppressed.json?["items"]?.arrayValue?.map { $0["address"]?.stringValue } == ["+447700910001"])
        }
    }

    @Test func badUnsubscribeTokensAreThrottledAndAValidOneStillWorks() async throws {
        try await TwoTenantFixture.live("throttle_unsubscribe", rateLimit: 0.01, burst: 3) { pool, client in
            let port = try #require(client.port)
            let genuine = UnsubscribeToken(scope: .tenant(1), channel: .email, address: "c1.t1@example.com", campaignID: nil)
                .encoded(secret: APIFixture.secret)
            // Tokens of the right shape, signed with a guessed secret.
            func guess(_ n: Int, from source: String) async throws -> LoopbackHTTP.Answer {
                let forged = UnsubscribeToken(scope: .tenant(1), channel: .email, address: "c\(n).t1@example.com", campaignID: nil)
                    .encoded(secret: "guessed-\(n)")
                return try await LoopbackHTTP.send(
                    port: port, from: source, method: n.isMultiple(of: 2) ? "GET" : "POST", path: "/unsubscribe/\(forged)")
            }
            let before = try await TwoTenantFixture.snapshot(pool, tenant: 1)
            var statuses: [Int] = []
            for n in 1...5 { statuses.append(try await guess(n, from: "127.0.0.1").status) }
            #expect(statuses == [400, 400, 400, 429, 429])
            let limited = try await guess(6, from: "127.0.0.1")
            #expect((Int(limited.headers["retry-after"] ?? "") ?? 0) >= 1, "\(limited.headers)")
            #expect(limited.headers["content-type"]?.hasPrefix("text/html") == true)
            let other = try await guess(7, from: "127.0.0.2")
            #expect(other.status == 400, "another address has its own budget")
            #expect(try await TwoTenantFixture.snapshot(pool, tenant: 1) == before, "a refused token changes nothing")
            // A recipient behind the throttled address can still unsubscribe.
            let done = try await LoopbackHTTP.send(port: port, from: "127.0.0.1", method: "POST", path: "/unsubscribe/\(genuine)")
            #expect(done.status == 200, "\(done.body)")
            let suppressed = try await APIFixture.call(client, .get, "/api/v1/suppressions?channel=email", tenant: 1, user: 10)
            #expect(suppressed.json?["items"]?.arrayValue?.map { $0["address"]?.stringValue } == ["c1.t1@example.com"])
        }
    }
}
