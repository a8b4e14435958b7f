import Campaigns
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import Messaging
import NIOCore
import Server
import TestSupport
import Testing

/// One secret value has exactly one spelling (DESIGN §13): request signatures are 64 lower-case
/// hex digits, tokens are canonical unpadded base64url, and a re-spelled signature or launch token
/// is neither accepted nor a fresh nonce. Tokens the service mints for itself are MAC'd with keys
/// derived from the secret (HKDF-SHA256, one label per kind), never with the secret itself.
@Suite("Canonical signatures and tokens over HTTP", .serialized)
struct CanonicalTokenTests {
    /// The spellings of one base64url MAC that a lenient decoder reads as the same bytes: padded,
    /// with the standard alphabet's `+` and `/`, and with stray bits in the last character.
    static func respellings(ofMAC mac: String) -> [String: String] {
        var spellings = [
            "padded": mac + "=", "standard alphabet": mac.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/"),
        ]
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        if let last = mac.last, let index = alphabet.firstIndex(of: last) {
            // 32 bytes are 43 characters whose last one carries 4 bits and 2 unused zero bits.
            spellings["stray trailing bits"] = String(mac.dropLast()) + String(alphabet[index | 1])
        }
        return spellings.filter { $0.value != mac }
    }

    @Test func aSignatureHasOneSpellingAndItsReplayKeysOnTheMAC() async throws {
        try await APIFixture.live("canonical_signature") { _, client in
            func status(_ path: String, _ headers: HTTPFields) async throws -> Int {
                try await client.execute(uri: path, method: .get, headers: headers) { Int($0.status.code) }
            }
            func respelled(_ headers: HTTPFields, _ change: (String) -> String) -> HTTPFields {
                var headers = headers
                headers[AuthMiddlewareHeaders.signature] = change(headers[AuthMiddlewareHeaders.signature] ?? "")
                return headers
            }
            // A signature whose first hex digit is 0, so `+` can stand for it (`+a` reads as 0x0a).
            var attempt = 0
            var path = ""
            var headers = HTTPFields()
            repeat {
                attempt += 1
                path = "/api/v1/campaigns?channel=sms&attempt=\(attempt)"
                headers = APIFixture.signed(.get, path, tenant: 1, user: 1)
            } while headers[AuthMiddlewareHeaders.signature]?.hasPrefix("0") != true
            let signature = try #require(headers[AuthMiddlewareHeaders.signature])
            #expect(signature.count == 64)

            // Other spellings are refused before the genuine one is used...
            #expect(try await status(path, respelled(headers) { $0.uppercased() }) == 401, "upper case")
            #expect(try await status(path, respelled(headers) { "+" + $0.dropFirst() }) == 401, "a sign")
            #expect(try await status(path, respelled(headers) { String($0.dropLast()) }) == 401, "63 characters")
            #expect(try await status(path, respelled(headers) { $0 + "0" }) == 401, "65 characters")
            #expect(try await status(path, respelled(headers) { String($0.prefix(31)) + " " + $0.dropFirst(32) }) == 401, "a space")
            // ...the genuine one works once...
            #expect(try await status(path, headers) == 200)
            #expect(try await status(path, headers) == 401, "a replay")
            // ...and is not a fresh nonce when spelled with a sign.
            #expect(try await status(path, respelled(headers) { "+" + $0.dropFirst() }) == 401, "a replay spelled with a sign")

            // The other order: a signed spelling first, then the genuine one still works once.
            repeat {
                attempt += 1
                path = "/api/v1/campaigns?channel=sms&attempt=\(attempt)"
                headers = APIFixture.signed(.get, path, tenant: 1, user: 1)
            } while headers[AuthMiddlewareHeaders.signature]?.hasPrefix("0") != true
            #expect(try await status(path, respelled(headers) { "+" + $0.dropFirst() }) == 401)
            #expect(try await status(path, headers) == 200)
        }
    }

    @Test func aLaunchTokenOpensOneSessionHoweverItIsSpelled() async throws {
        try await APIFixture.live("canonical_launch") { _, client in
            func exchange(_ token: String) async throws -> (Int, JSONValue?) { try await APIFixture.exchange(client, token) }
            // A token whose MAC holds `-` or `_`, so the standard alphabet spells it differently.
            var token = APIFixture.launchToken(tenant: 1, user: 10)
            while !token.split(separator: ".")[1].contains(where: { $0 == "-" || $0 == "_" }) {
                token = APIFixture.launchToken(tenant: 1, user: 10)
            }
            let parts = token.split(separator: ".").map(String.init)
            let variants = Self.respellings(ofMAC: parts[1]).mapValues { parts[0] + "." + $0 }
            #expect(variants.count == 3)
            let (opened, json) = try await exchange(token)
            #expect(opened == 201)
            for (kind, variant) in variants.sorted(by: { $0.key < $1.key }) {
                #expect(try await exchange(variant).0 == 401, "\(kind) after the genuine token")
            }
            // Re-spellings never open a session, and do not use the token up either.
            var fresh = APIFixture.launchToken(tenant: 1, user: 10)
            while !fresh.split(separator: ".")[1].contains(where: { $0 == "-" || $0 == "_" }) {
                fresh = APIFixture.launchToken(tenant: 1, user: 10)
            }
            let freshParts = fresh.split(separator: ".").map(String.init)
            for (kind, mac) in Self.respellings(ofMAC: freshParts[1]).sorted(by: { $0.key < $1.key }) {
                #expect(try await exchange(freshParts[0] + "." + mac).0 == 401, "\(kind) before the genuine token")
            }
            #expect(try await exchange(fresh).0 == 201)
            // DESIGN §7: the MAC covers the first base64url part only, not the JSON bytes.
            #expect(try await exchange(APIFixture.launchToken(tenant: 1, user: 10, macOverJSON: true)).0 == 401)

            // The session token is MAC'd with the key HKDF derives for "session", and has one spelling too.
            let session = try #require(json?["session_token"]?.stringValue)
            let sessionParts = session.split(separator: ".").map(String.init)
            #expect(sessionParts.count == 2)
            let expected = HMAC<SHA256>.authenticationCode(for: Data(sessionParts[0].utf8), using: Self.derivedKey("session"))
            #expect(sessionParts[1] == Base64URL.encode(Data(expected)), "the session MAC uses the derived session key")
            func get(_ bearer: String) async throws -> Int {
                try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(bearer)"]) { Int($0.status.code) }
            }
            #expect(try await get(session) == 200)
            for (kind, mac) in Self.respellings(ofMAC: sessionParts[1]).sorted(by: { $0.key < $1.key }) {
                #expect(try await get(sessionParts[0] + "." + mac) == 401, "a session token \(kind)")
            }
            #expect(try await get(sessionParts[0].uppercased() + "." + sessionParts[1]) == 401, "an upper-case session id")
        }
    }

    @Test func unsubscribeLinksUseTheirOwnKeyAndOneSpelling() async throws {
        try await TwoTenantFixture.live("canonical_unsubscribe") { pool, client in
            func page(_ token: String, _ method: HTTPRequest.Method = .get) async throws -> Int {
                try await client.execute(uri: "/unsubscribe/\(token)", method: method) { Int($0.status.code) }
            }
            let address = "c1.t1@example.com"
            let link = UnsubscribeToken(scope: .tenant(1), channel: .email, address: address, campaignID: nil)
            let minted = link.encoded(secret: APIFixture.secret)
            let parts = minted.split(separator: ".").map(String.init)
            let derived = HMAC<SHA256>.authenticationCode(for: Data(parts[0].utf8), using: Self.derivedKey("unsubscribe"))
            #expect(parts[1] == Base64URL.encode(Data(derived)), "links are MAC'd with the key derived for \"unsubscribe\"")
            #expect(try await page(minted) == 200)

            // Links already in mailboxes (MAC'd with the secret itself) keep working.
            let legacyMAC = HMAC<SHA256>.authenticationCode(for: Data(parts[0].utf8), using: SymmetricKey(data: Data(APIFixture.secret.utf8)))
            let legacy = parts[0] + "." + Base64URL.encode(Data(legacyMAC))
            #expect(try await page(legacy) == 200)
            // A MAC made with another kind's key is no unsubscribe link.
            for label in ["session", "tracking"] {
                let other = HMAC<SHA256>.authenticationCode(for: Data(parts[0].utf8), using: Self.derivedKey(label))
                #expect(try await page(parts[0] + "." + Base64URL.encode(Data(other))) == 400, "MAC'd with the \(label) key")
            }
            // Nor is a launch token, though the secret MACs both.
            #expect(try await page(APIFixture.launchToken(tenant: 1, user: 10)) == 400)
            // Re-spelled links are refused, and change nothing.
            let before = try await TwoTenantFixture.snapshot(pool, tenant: 1)
            for (kind, mac) in Self.respellings(ofMAC: parts[1]).sorted(by: { $0.key < $1.key }) {
                #expect(try await page(parts[0] + "." + mac, .post) == 400, "a link \(kind)")
            }
            #expect(try await page(parts[0] + "=." + parts[1]) == 400, "a padded payload")
            #expect(try await TwoTenantFixture.snapshot(pool, tenant: 1) == before)
            #expect(try await page(minted, .post) == 200)
        }
    }

    /// HKDF-SHA256 of the test secret with `label`, computed here independently of the service.
    static func derivedKey(_ label: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Data(APIFixture.secret.utf8)), info: Data(label.utf8), outputByteCount: 32)
    }
}

/// The bridge's signature headers.
enum AuthMiddlewareHeaders {
    static let signature = HTTPField.Name("X-Bkntc-Signature")!
}
