import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Server
import TestSupport
import Testing

/// Hostile bodies (issue: reliability): oversized, truncated, not UTF-8, deeply nested. Each
/// gets the contract's JSON error, never a crash or a 500, and the service keeps answering.
@Suite("Hostile request bodies")
struct HostileInputTests {
    static func post(_ client: some TestClientProtocol, _ path: String, _ body: [UInt8]) async throws -> (Int, JSONValue?) {
        let timestamp = String(Int(Date().timeIntervalSince1970))
        var headers = HTTPFields()
        headers[HTTPField.Name("X-Bkntc-Timestamp")!] = timestamp
        headers[HTTPField.Name("X-Bkntc-Tenant")!] = ""
        headers[HTTPField.Name("X-Bkntc-User")!] = String(RouterTests.admin)
        headers[HTTPField.Name("X-Bkntc-Signature")!] = RequestAuthenticator.signature(
            secret: APIFixture.secret, timestamp: timestamp, method: "POST", pathAndQuery: path, tenant: "",
            user: String(RouterTests.admin), body: Data(body))
        headers[.contentType] = "application/json"
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            (Int(response.status.code), try? JSONDecoder().decode(JSONValue.self, from: Data(response.body.readableBytesView)))
        }
    }

    @Test func everyHostileBodyGetsAJSONErrorAndTheServiceGoesOn() async throws {
        try await RouterTests.withRouter(RouterTests.dependencies()) { client in
            let valid = Array(#"{"channel":"sms","segment":{"type":"all_customers"}}"#.utf8)
            let nested = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
            let nestedObject = Array((String(repeating: #"{"a":"#, count: 50_000) + "1" + String(repeating: "}", count: 50_000)).utf8)
            let cases: [(String, [UInt8], Set<Int>)] = [
                ("truncated", Array(valid.dropLast(7)), [400]),
                ("not UTF-8", [0x7B, 0x22, 0x63, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D], [400]),
                ("nested arrays", nested, [400, 413]),
                ("nested objects", nestedObject, [400, 413]),
                ("oversized", Array(repeating: UInt8(ascii: " "), count: 12 * 1024 * 1024), [413]),
                ("a bare string", Array(#""sms""#.utf8), [400]),
                ("NUL bytes", Array(#"{"channel":"sms\#u{0}","segment":{"type":"all_customers"}}"#.utf8), [400]),
            ]
            for (label, body, expected) in cases {
                let (status, json) = try await Self.post(client, "/api/v1/segments/preview", body)
                #expect(expected.contains(status), "\(label): \(status)")
                #expect(json?["error"]?["code"]?.stringValue != nil, "\(label): the contract's error shape")
            }
            let (status, _) = try await Self.post(client, "/api/v1/segments/preview", valid)
            #expect(status == 200, "still answering")
        }
    }
}
