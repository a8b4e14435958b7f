import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Server
import TestSupport
import Testing

/// Broadcasts (DESIGN §14) through the router on in-memory stores: validation naming the field
/// (a channel's content named under `content.<channel>` with the campaign's own words), the
/// capability on every channel, and the answer's shape.
@Suite("Broadcasts on in-memory stores")
struct BroadcastRouteTests {
    static let valid =
        #"{"name":"Spring","channels":["sms","email"],"mode":"first","segment":{"type":"all_customers"},"content":{"sms":{"body":"Hi"},"email":{"subject":"S","body":"Hello"}}}"#

    static func call(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, user: Int = RouterTests.admin, body: String = ""
    ) async throws -> (status: Int, json: JSONValue?, headers: HTTPFields) {
        try await AudienceRouteTests.call(client, method, path, user: user, body: body)
    }

    /// `valid` with `change` applied to its JSON object.
    static func body(_ change: (inout [String: JSONValue]) -> Void) throws -> String {
        guard case .object(var object) = try JSONDecoder().decode(JSONValue.self, from: Data(valid.utf8)) else { return valid }
        change(&object)
        return String(decoding: try JSONEncoder().encode(JSONValue.object(object)), as: UTF8.self)
    }

    @Test func invalidBodiesAreRefusedNamingTheField() async throws {
        try await RouterTests.withRouter(RouterTests.dependencies()) { client in
            let sms: JSONValue = .object(["body": .string("Hi")])
            let email: JSONValue = .object(["subject": .string("S"), "body": .string("Hello")])
            let cases: [(String, String)] = [
                (try Self.body { $0["name"] = nil }, "name"),
                (try Self.body { $0["channels"] = .array([.string("sms")]) }, "channels"),
                (try Self.body { $0["channels"] = .array([.string("sms"), .string("sms")]) }, "channels[1]"),
                (try Self.body { $0["channels"] = .array([.string("sms"), .string("fax")]) }, "channels[1]"),
                (try Self.body { $0["channels"] = .string("sms") }, "channels"),
                (
                    try Self.body {
                        $0["channels"] = .array([.string("sms"), .string("email"), .string("whatsapp"), .string("sms")])
                    }, "channels"
                ),
                (try Self.body { $0["mode"] = .string("some") }, "mode"),
                (try Self.body { $0["mode"] = nil }, "mode"),
                (try Self.body { $0["content"] = nil }, "content"),
                (try Self.body { $0["content"] = .object(["sms": sms]) }, "content.email"),
                (try Self.body { $0["content"] = .object(["sms": sms, "email": email, "whatsapp": sms]) }, "content.whatsapp"),
                (try Self.body { $0["content"] = .object(["sms": .object([:]), "email": email]) }, "content.sms.body"),
                (try Self.body { $0["content"] = .object(["sms": sms, "email": .object(["body": .string("b")])]) }, "content.email.subject"),
                (try Self.body { $0["content"] = .object(["sms": .object(["body": .number(3)]), "email": email]) }, "content.sms.body"),
                (
                    try Self.body { $0["content"] = .object(["sms": .object(["body": .string("b"), "name": .string("x")]), "email": email]) },
                    "content.sms.name"
                ),
                (try Self.body { $0["segment"] = .object(["type": .string("nope")]) }, "segment.type"),
                (try Self.body { $0["audience_id"] = .number(3) }, "audience_id"),
                (try Self.body { $0["holdout_percent"] = .number(51) }, "holdout_percent"),
                (try Self.body { $0["scheduled_at"] = .string("yesterday") }, "scheduled_at"),
                (try Self.body { $0["recurrence"] = .string("every day") }, "recurrence"),
            ]
            for (body, field) in cases {
                let answer = try await Self.call(client, .post, "/api/v1/broadcasts", body: body)
                #expect(answer.status == 400, "\(body)")
                #expect(answer.json?["error"]?["code"]?.stringValue == "validation_failed", "\(body)")
                #expect(answer.json?["error"]?["field"]?.stringValue == field, "\(body): \(String(describing: answer.json))")
            }
            // The content's words are the campaign's.
            let broadcast = try await Self.call(
                client, .post, "/api/v1/broadcasts",
                body: try Self.body { $0["content"] = .object(["sms": sms, "email": .object(["body": .string("b")])]) })
            let campaign = try await Self.call(
                client, .post, "/api/v1/campaigns", body: #"{"channel":"email","name":"x","segment":{"type":"all_customers"},"body":"b"}"#)
            #expect(
                broadcast.json?["error"]?["message"]?.stringValue == campaign.json?["error"]?["message"]?.stringValue)
            let list = try await Self.call(client, .get, "/api/v1/broadcasts")
            #expect(list.status == 200 && list.json?["total"]?.integerValue == 0)
        }
    }

    @Test func createAnswersTheContractShapeAndNeedsTheCapabilityOnEveryChannel() async throws {
        try await RouterTests.withRouter(RouterTests.dependencies()) { client in
            // The SMS sender may not create on either channel; nothing is created.
            let refused = try await Self.call(client, .post, "/api/v1/broadcasts", user: RouterTests.smsSender, body: Self.valid)
            #expect(refused.status == 403 && refused.json?["error"]?["code"]?.stringValue == "capability")
            #expect(try await Self.call(client, .get, "/api/v1/campaigns").json?["total"]?.integerValue == 0)

            let created = try await Self.call(client, .post, "/api/v1/broadcasts", body: Self.valid)
            #expect(created.status == 201, "\(String(describing: created.json))")
            let json = try #require(created.json)
            for key in ["id", "name", "channels", "mode", "status", "campaigns"] { #expect(json[key] != nil, "\(key)") }
            let items = json["campaigns"]?.arrayValue ?? []
            #expect(items.compactMap { $0["channel"]?.stringValue } == ["sms", "email"])
            #expect(items.allSatisfy { $0["id"]?.integerValue != nil && $0["status"]?.stringValue == "draft" })
            let id = try #require(json["id"]?.integerValue)
            let campaignID = try #require(items.first?["id"]?.integerValue)
            let campaign = try await Self.call(client, .get, "/api/v1/campaigns/\(campaignID)")
            #expect(campaign.json?["broadcast_id"]?.integerValue == id)
            let members = try await Self.call(client, .get, "/api/v1/campaigns?broadcast_id=\(id)")
            #expect(members.json?["total"]?.integerValue == 2)
            #expect(try await Self.call(client, .get, "/api/v1/campaigns?broadcast_id=x").status == 400)

            // Sending and reading need the capability on every channel: the SMS sender reads
            // email but sends SMS only.
            #expect(try await Self.call(client, .post, "/api/v1/broadcasts/\(id)/send", user: RouterTests.smsSender).status == 403)
            #expect(try await Self.call(client, .get, "/api/v1/broadcasts/\(id)", user: RouterTests.smsSender).status == 200)
            let sent = try await Self.call(client, .post, "/api/v1/broadcasts/\(id)/send")
            #expect(sent.status == 200 && sent.json?["status"]?.stringValue == "sending", "\(String(describing: sent.json))")
            let progress = try await Self.call(client, .get, "/api/v1/broadcasts/\(id)/progress")
            #expect(progress.status == 200 && progress.json?["channels"]?["sms"]?["total"]?.integerValue == 25)
            #expect(try await Self.call(client, .get, "/api/v1/broadcasts/999").status == 404)
        }
    }

    /// DESIGN §21: a repeated create with the same Idempotency-Key answers the first broadcast
    /// again and creates nothing more.
    @Test func anIdempotencyKeyCreatesOneBroadcast() async throws {
        try await RouterTests.withRouter(RouterTests.dependencies()) { client in
            func post(_ query: String) async throws -> (Int, String, HTTPFields) {
                let path = "/api/v1/broadcasts" + query
                var headers = APIFixture.signed(.post, path, tenant: nil, user: RouterTests.admin, body: Self.valid)
                headers[HTTPField.Name("Idempotency-Key")!] = "broadcast-1"
                return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: Self.valid)) {
                    (Int($0.status.code), String(buffer: $0.body), $0.headers)
                }
            }
            let first = try await post("")
            let again = try await post("?again=1")
            #expect(first.0 == 201 && again.0 == 201 && again.1 == first.1)
            #expect(again.2[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await Self.call(client, .get, "/api/v1/broadcasts").json?["total"]?.integerValue == 1)
            #expect(try await Self.call(client, .get, "/api/v1/campaigns").json?["total"]?.integerValue == 2)
        }
    }
}
