import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Messaging
import Server
import TestSupport
import Testing

/// Per-address limits key on the client's address (DESIGN §13): behind a trusted proxy
/// (`BKNTC_TRUSTED_PROXIES`) that is the right-most `X-Forwarded-For` entry that is not itself a
/// trusted proxy, so one abuser behind the proxy cannot lock everyone out; from anyone else
/// `X-Forwarded-For` means nothing. Only failures spend the budget.
@Suite("Client addresses and per-address limits over HTTP", .serialized)
struct ClientAddressTests {
    /// 127.0.0.1 is the proxy (so is a documentation IPv6 range); 127.0.0.2 is a client that
    /// reaches the service directly. Each address may fail 3 times, then waits ~100 s.
    static func live(_ label: String, _ body: @escaping @Sendable (Int, any TestClientProtocol) async throws -> Void) async throws {
        try await TwoTenantFixture.live(
            label, rateLimit: 0.01, burst: 3,
            configure: { $0.trustedProxies = TrustedProxies("127.0.0.1/32, 2001:db8::/32")! }
        ) { _, client in
            try await body(try #require(client.port), client)
        }
    }

    static func exchange(_ port: Int, _ token: String, from source: String, forwardedFor: String? = nil) async throws -> Int {
        var headers = [("Content-Type", "application/json")]
        if let forwardedFor { headers.append(("X-Forwarded-For", forwardedFor)) }
        return try await LoopbackHTTP.send(
            port: port, from: source, method: "POST", path: "/api/v1/sessions", headers: headers, body: #"{"launch_token":"\#(token)"}"#
        ).status
    }

    static let forged = APIFixture.launchToken(tenant: 1, user: 10, secret: "a-guessed-secret-0123456789")

    /// The statuses of `count` exchanges of `token`.
    static func exchanges(
        _ count: Int, _ port: Int, _ token: @autoclosure () -> String, from source: String, forwardedFor: (Int) -> String? = { _ in nil }
    ) async throws -> [Int] {
        var statuses: [Int] = []
        for n in 1...count { statuses.append(try await exchange(port, token(), from: source, forwardedFor: forwardedFor(n))) }
        return statuses
    }

    @Test func badExchangesThroughATrustedProxyLockOutOnlyThatClient() async throws {
        try await Self.live("xff_trusted") { port, _ in
            let abuser = "203.0.113.5"
            #expect(try await Self.exchanges(5, port, Self.forged, from: "127.0.0.1", forwardedFor: { _ in abuser }) == [401, 401, 401, 429, 429])
            // Everyone else behind the proxy, and the proxy itself, keeps a budget of their own.
            #expect(try await Self.exchange(port, Self.forged, from: "127.0.0.1", forwardedFor: "203.0.113.6") == 401)
            #expect(try await Self.exchange(port, Self.forged, from: "127.0.0.1") == 401)
            #expect(try await Self.exchange(port, Self.forged, from: "127.0.0.1", forwardedFor: "198.51.100.9, 2001:db8::7") == 401)
            // The abuser cannot hide behind a made-up entry on the left, nor behind a second trusted proxy.
            #expect(try await Self.exchange(port, Self.forged, from: "127.0.0.1", forwardedFor: "203.0.113.6, \(abuser)") == 429)
            #expect(try await Self.exchange(port, Self.forged, from: "127.0.0.1", forwardedFor: "\(abuser), 2001:db8::1") == 429)
            // Every per-address limit keys on the client: bad signatures, forged unsubscribe links
            // and bad Twilio signatures from the abuser are refused at once, from a neighbour not.
            let path = "/api/v1/campaigns?guess=1"
            let guessed = APIFixture.signed(.get, path, tenant: 1, user: 1, secret: "a-guessed-secret-0123456789")
            let fields = guessed.map { ($0.name.rawName, $0.value) }
            let forgedLink = UnsubscribeToken(scope: .tenant(1), channel: .email, address: "c1.t1@example.com", campaignID: nil)
                .encoded(secret: "a-guessed-secret-0123456789")
            let twilio = [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", "Zm9yZ2Vk")]
            let form = "AccountSid=\(TwoTenantFixture.one.sid)&From=%2B447700910001&To=%2B15005550006&Body=STOP"
            for (client, expected) in [(abuser, [429, 429, 429]), ("203.0.113.7", [401, 400, 403])] {
                let statuses = [
                    try await LoopbackHTTP.send(
                        port: port, from: "127.0.0.1", method: "GET", path: path, headers: fields + [("X-Forwarded-For", client)]
                    ).status,
                    try await LoopbackHTTP.send(
                        port: port, from: "127.0.0.1", method: "GET", path: "/unsubscribe/\(forgedLink)", headers: [("X-Forwarded-For", client)]
                    ).status,
                    try await LoopbackHTTP.send(
                        port: port, from: "127.0.0.1", method: "POST", path: "/webhooks/twilio/inbound",
                        headers: twilio + [("X-Forwarded-For", client)],
                        body: form
                    ).status,
                ]
                #expect(statuses == expected, "from \(client)")
            }
            // A genuine launch token always opens its session, from the locked-out client too.
            let genuine = APIFixture.launchToken(tenant: 1, user: 10)
            #expect(try await Self.exchange(port, genuine, from: "127.0.0.1", forwardedFor: abuser) == 201)
        }
    }

    @Test func anUntrustedPeersForwardedForIsIgnored() async throws {
        try await Self.live("xff_untrusted") { port, _ in
            // A different X-Forwarded-For each time buys 127.0.0.2 nothing: it is no proxy of ours.
            let statuses = try await Self.exchanges(5, port, Self.forged, from: "127.0.0.2", forwardedFor: { "198.51.100.\($0)" })
            #expect(statuses == [401, 401, 401, 429, 429])
            #expect(try await Self.exchange(port, Self.forged, from: "127.0.0.2") == 429)
            // Nor does it lock out the client it names.
            #expect(try await Self.exchange(port, Self.forged, from: "127.0.0.1", forwardedFor: "198.51.100.1") == 401)
        }
    }

    @Test func successfulExchangesNeverSpendTheBudget() async throws {
        try await Self.live("xff_success") { port, _ in
            // Far more good exchanges than the burst of 3, from one address.
            let successes = try await Self.exchanges(8, port, APIFixture.launchToken(tenant: 1, user: 10), from: "127.0.0.2")
            #expect(successes == Array(repeating: 201, count: 8))
            // Once failures have spent the budget, good tokens still open sessions.
            #expect(try await Self.exchanges(4, port, Self.forged, from: "127.0.0.2") == [401, 401, 401, 429])
            #expect(try await Self.exchange(port, APIFixture.launchToken(tenant: 1, user: 10), from: "127.0.0.2") == 201)
        }
    }

    @Test func theLimiterForgetsTheLeastRecentlyUsedNotEveryone() {
        let limiter = RateLimiter(rate: 0.001, burst: 1)
        #expect(limiter.take("ip:abuser", now: 0) == nil)
        #expect(limiter.take("ip:abuser", now: 1) != nil, "the abuser's budget is spent")
        // A crowd of other addresses, the abuser active in the middle of it.
        for n in 0..<40_000 { _ = limiter.take("ip:crowd-\(n)", now: 2) }
        #expect(limiter.take("ip:abuser", now: 3) != nil)
        for n in 40_000..<80_000 { _ = limiter.take("ip:crowd-\(n)", now: 4) }
        #expect(limiter.take("ip:abuser", now: 5) != nil, "a recently seen address is still remembered")
    }

    @Test func trustedProxiesParseIPv4AndIPv6Ranges() throws {
        let proxies = try #require(TrustedProxies("10.0.0.0/8, 192.168.1.7, 2001:db8::/32 , ::1"))
        #expect(proxies.contains("10.200.3.4"))
        #expect(!proxies.contains("11.0.0.1"))
        #expect(proxies.contains("192.168.1.7"))
        #expect(!proxies.contains("192.168.1.8"))
        #expect(proxies.contains("2001:db8:ffff::1"))
        #expect(proxies.contains("2001:DB8::1"))
        #expect(!proxies.contains("2001:db9::1"))
        #expect(proxies.contains("::1"))
        #expect(proxies.contains("::ffff:10.1.2.3"), "an IPv4-mapped IPv6 address is its IPv4 address")
        #expect(!proxies.contains("not an address"))
        #expect(TrustedProxies("")?.isEmpty == true)
        for bad in ["10.0.0.0/33", "10.0.0/8", "2001:db8::/129", "example.com", "10.0.0.1/", "1.2.3.4/-1", ":::1"] {
            #expect(TrustedProxies(bad) == nil, "\(bad)")
        }
        // The client address: the right-most entry that is not a trusted proxy.
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["203.0.113.5, 10.0.0.2"]) == "203.0.113.5")
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["198.51.100.1", "203.0.113.5"]) == "203.0.113.5")
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: []) == "10.0.0.1")
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["10.0.0.3, 10.0.0.2"]) == "10.0.0.3")
        #expect(proxies.clientAddress(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["[2001:db9::5]:443"]) == "2001:db9::5")
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["198.51.100.1:8080"]) == "198.51.100.1")
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["garbage"]) == "10.0.0.1", "nonsense from a proxy: the proxy")
    }
}
