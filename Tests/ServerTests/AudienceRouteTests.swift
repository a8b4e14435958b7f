import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Server
import TestSupport
import Testing

/// Saved audiences (DESIGN §16) through the router on in-memory stores: validation naming the
/// field, capabilities per channel, tenants apart, the in-use refusal and campaigns that
/// reference an audience.
@Suite("Saved audiences on in-memory stores")
struct AudienceRouteTests {
    static let lapsed = #"{"name":"Lapsed","channel":"sms","segment":{"type":"lapsed","days":90},"filters":{"service_ids":[3]}}"#

    /// A signed call whose path is unique (the same request twice in a second is a replayed
    /// signature otherwise): `call=` is added to the query, which no route reads.
    static func unique(_ path: String) -> String { path + (path.contains("?") ? "&" : "?") + "call=\(UUID().uuidString)" }

    static func call(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, user: Int = RouterTests.admin, body: String = ""
    ) async throws -> (status: Int, json: JSONValue?, headers: HTTPFields) {
        try await RouterTests.call(client, method, unique(path), user: user, body: body)
    }

    static func tenantCall(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, tenant: Int?, user: Int?, body: String = ""
    ) async throws -> (status: Int, json: JSONValue?) {
        try await APIFixture.call(client, method, unique(path), tenant: tenant, user: user, body: body)
    }

    static func create(_ client: some TestClientProtocol, _ body: String = lapsed, user: Int = RouterTests.admin) async throws
        -> (status: Int, json: JSONValue?, headers: HTTPFields)
    {
        try await Self.call(client, .post, "/api/v1/audiences", user: user, body: body)
    }

    @Test func invalidBodiesAreRefusedNamingTheFieldAsCampaignsDo() async throws {
        try await RouterTests.withRouter(RouterTests.dependencies()) { client in
            let cases: [(String, String)] = [
                (#"{"channel":"sms","segment":{"type":"all_customers"}}"#, "name"),
                (#"{"name":"x","segment":{"type":"all_customers"}}"#, "channel"),
                (#"{"name":"x","channel":"sms"}"#, "segment"),
                (#"{"name":"x","channel":"sms","segment":{"type":"nope"}}"#, "segment.type"),
                (#"{"name":"x","channel":"sms","segment":{"type":"lapsed","days":0}}"#, "segment.days"),
                (#"{"name":"x","channel":"sms","segment":{"type":"all_customers"},"filters":{"service_ids":[0]}}"#, "filters.service_ids[0]"),
                (#"{"name":"x","channel":"sms","segment":{"type":"all_customers"},"filters":{"category_ids":["a"]}}"#, "filters.category_ids[0]"),
                (#"{"name":"x","channel":"sms","segment":{"type":"all_customers"},"filters":{"colour":1}}"#, "filters.colour"),
            ]
            for (body, field) in cases {
                let answer = try await Self.create(client, body)
                #expect(answer.status == 400, "\(body)")
                #expect(answer.json?["error"]?["code"]?.stringValue == "validation_failed", "\(body)")
                #expect(answer.json?["error"]?["field"]?.stringValue == field, "\(body): \(String(describing: answer.json))")
            }
            let campaign = try await Self.call(
                client, .post, "/api/v1/campaigns", body: #"{"channel":"sms","name":"x","segment":{"type":"nope"},"body":"b"}"#)
            let audience = try await Self.create(client, #"{"name":"x","channel":"sms","segment":{"type":"nope"}}"#)
            #expect(campaign.json?["error"]?["message"] == audience.json?["error"]?["message"], "the campaign's words")
            let listed = try await Self.call(client, .get, "/api/v1/audiences")
            #expect(listed.json?["total"]?.integerValue == 0, "nothing was stored")
        }
    }

    @Test func anAudienceIsCreatedListedNewestFirstSearchedReadRenamedPreviewedAndDeleted() async throws {
        try await RouterTests.withRouter(RouterTests.dependencies()) { client in
            let created = try await Self.create(client)
            #expect(created.status == 201, "\(String(describing: created.json))")
            let id = try #require(created.json?["id"]?.integerValue)
            #expect(created.json?["segment"]?["days"]?.integerValue == 90)
            #expect(created.json?["filters"]?["service_ids"]?.arrayValue?.count == 1)
            #expect(created.json?["used_by"]?.arrayValue?.isEmpty == true)
            let second = try await Self.create(client, #"{"name":"Birthdays","channel":"email","segment":{"type":"birthday"}}"#)
            let secondID = try #require(second.json?["id"]?.integerValue)

            let list = try await Self.call(client, .get, "/api/v1/audiences")
            #expect(list.json?["items"]?.arrayValue?.compactMap { $0["id"]?.integerValue } == [secondID, id], "newest first")
            let searched = try await Self.call(client, .get, "/api/v1/audiences?q=laps")
            #expect(searched.json?["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Lapsed"])
            let email = try await Self.call(client, .get, "/api/v1/audiences?channel=email")
            #expect(email.json?["items"]?.arrayValue?.compactMap { $0["id"]?.integerValue } == [secondID])

            let renamed = try await Self.call(
                client, .put, "/api/v1/audiences/\(id)", body: #"{"name":"Gone quiet","channel":"sms","segment":{"type":"lapsed","days":180}}"#)
            #expect(renamed.status == 200 && renamed.json?["name"]?.stringValue == "Gone quiet")
            let read = try await Self.call(client, .get, "/api/v1/audiences/\(id)")
            #expect(read.json?["segment"]?["days"]?.integerValue == 180 && read.json?["filters"]?["service_ids"]?.arrayValue?.isEmpty == true)

            // The preview is the segment preview's answer for the audience's segment and channel.
            let preview = try await Self.call(client, .post, "/api/v1/audiences/\(id)/preview")
            let direct = try await Self.call(
                client, .post, "/api/v1/segments/preview", body: #"{"channel":"sms","segment":{"type":"lapsed","days":180}}"#)
            #expect(preview.status == 200 && preview.json != nil && preview.json == direct.json, "\(String(describing: preview.json))")
            #expect(preview.json?["count"]?.integerValue == RouterTests.recipients.count)
            let withBody = try await Self.call(client, .post, "/api/v1/audiences/\(id)/preview", body: #"{"body":"Hi {customer_first_name}"}"#)
            #expect(withBody.json?["missing"]?["customer_first_name"]?.integerValue == 0, "\(String(describing: withBody.json))")

            #expect(try await Self.call(client, .delete, "/api/v1/audiences/\(id)").status == 204)
            #expect(try await Self.call(client, .get, "/api/v1/audiences/\(id)").status == 404)
            #expect(try await Self.call(client, .post, "/api/v1/audiences/\(id)/preview").status == 404)
            #expect(try await Self.call(client, .delete, "/api/v1/audiences/\(id)").status == 404)
        }
    }

    @Test func readingNeedsTheChannelsCampaignsCapabilityAndWritingItsCreateCapability() async throws {
        let stores = InMemoryServiceStores(recipients: RouterTests.recipients)
        try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users)) { client in
            let sms = try #require(try await Self.create(client).json?["id"]?.integerValue)
            let whatsapp = try #require(
                try await Self.create(client, #"{"name":"W","channel":"whatsapp","segment":{"type":"all_customers"}}"#).json?["id"]?.integerValue)
            let reader = RouterTests.smsSender  // sms_campaigns and email_campaigns, no …_create
            let list = try await Self.call(client, .get, "/api/v1/audiences", user: reader)
            #expect(list.json?["items"]?.arrayValue?.compactMap { $0["id"]?.integerValue } == [sms], "only readable channels")
            #expect(try await Self.call(client, .get, "/api/v1/audiences/\(sms)", user: reader).status == 200)
            #expect(try await Self.call(client, .post, "/api/v1/audiences/\(sms)/preview", user: reader).status == 200)
            let denied = try await Self.call(client, .get, "/api/v1/audiences/\(whatsapp)", user: reader)
            #expect(denied.status == 403 && denied.json?["error"]?["code"]?.stringValue == "capability")
            #expect(try await Self.call(client, .get, "/api/v1/audiences?channel=whatsapp", user: reader).status == 403)
            #expect(try await Self.call(client, .post, "/api/v1/audiences/\(whatsapp)/preview", user: reader).status == 403)
            #expect(try await Self.create(client, user: reader).status == 403)
            let put = try await Self.call(client, .put, "/api/v1/audiences/\(sms)", user: reader, body: Self.lapsed)
            #expect(put.status == 403)
            #expect(try await Self.call(client, .delete, "/api/v1/audiences/\(sms)", user: reader).status == 403)
            #expect(try await Self.call(client, .get, "/api/v1/audiences/\(sms)").json?["name"]?.stringValue == "Lapsed", "unchanged")
            #expect(try await Self.call(client, .get, "/api/v1/audiences", user: 99).status == 403, "no capability at all")
        }
    }

    @Test func aCampaignTakesAnAudienceInsteadOfASegmentAndTheAudienceInUseCannotBeDeleted() async throws {
        try await RouterTests.withRouter(RouterTests.dependencies()) { client in
            let audience = try #require(try await Self.create(client).json?["id"]?.integerValue)
            func campaign(_ who: String) async throws -> (status: Int, json: JSONValue?, headers: HTTPFields) {
                try await Self.call(client, .post, "/api/v1/campaigns", body: #"{"channel":"email","name":"C",\#(who),"subject":"S","body":"b"}"#)
            }
            let both = try await campaign(#""audience_id":\#(audience),"segment":{"type":"all_customers"}"#)
            #expect(both.status == 400 && both.json?["error"]?["field"]?.stringValue == "audience_id")
            let withFilters = try await campaign(#""audience_id":\#(audience),"filters":{"service_ids":[1]}"#)
            #expect(withFilters.status == 400 && withFilters.json?["error"]?["field"]?.stringValue == "audience_id")
            let unknown = try await campaign(#""audience_id":999"#)
            #expect(unknown.status == 400 && unknown.json?["error"]?["field"]?.stringValue == "audience_id")
            let malformed = try await campaign(#""audience_id":"x""#)
            #expect(malformed.status == 400 && malformed.json?["error"]?["field"]?.stringValue == "audience_id")
            let own = try await campaign(#""segment":{"type":"all_customers"}"#)
            #expect(own.status == 201 && own.json?["audience_id"] == .null, "null without an audience")

            // Another channel's audience is allowed; the campaign carries its id and a copy.
            let created = try await campaign(#""audience_id":\#(audience)"#)
            #expect(created.status == 201, "\(String(describing: created.json))")
            #expect(created.json?["audience_id"]?.integerValue == audience)
            #expect(created.json?["segment"]?["type"]?.stringValue == "lapsed" && created.json?["segment"]?["days"]?.integerValue == 90)
            let id = try #require(created.json?["id"]?.integerValue)
            let read = try await Self.call(client, .get, "/api/v1/audiences/\(audience)")
            #expect(read.json?["used_by"]?.arrayValue?.compactMap(\.integerValue) == [id])

            let refused = try await Self.call(client, .delete, "/api/v1/audiences/\(audience)")
            #expect(refused.status == 409 && refused.json?["error"]?["code"]?.stringValue == "audience_in_use", "\(String(describing: refused.json))")
            #expect(refused.json?["error"]?["message"]?.stringValue?.contains("#\(id)") == true)
            #expect(try await Self.call(client, .get, "/api/v1/audiences/\(audience)").status == 200, "still there")

            // Editing the campaign back to its own segment releases the audience.
            let edited = try await Self.call(
                client, .put, "/api/v1/campaigns/\(id)",
                body: #"{"channel":"email","name":"C","segment":{"type":"all_customers"},"subject":"S","body":"b"}"#)
            #expect(edited.status == 200 && edited.json?["audience_id"] == .null)
            #expect(try await Self.call(client, .delete, "/api/v1/audiences/\(audience)").status == 204)
        }
    }

    @Test func anotherTenantsAudienceIsNotFoundAndCannotBeReferenced() async throws {
        var deps = RouterTests.dependencies()
        deps.installation = InstallationMode(saas: true)
        try await RouterTests.withRouter(deps) { client in
            let created = try await Self.tenantCall(client, .post, "/api/v1/audiences", tenant: 1, user: 1, body: Self.lapsed)
            let id = try #require(created.json?["id"]?.integerValue, "\(created)")
            #expect(try await Self.tenantCall(client, .get, "/api/v1/audiences/\(id)", tenant: 1, user: 1).0 == 200)
            for (method, body) in [(HTTPRequest.Method.get, ""), (.put, Self.lapsed), (.delete, "")] {
                let answer = try await Self.tenantCall(client, method, "/api/v1/audiences/\(id)", tenant: 2, user: 1, body: body)
                #expect(answer.status == 404, "\(method)")
            }
            #expect(try await Self.tenantCall(client, .post, "/api/v1/audiences/\(id)/preview", tenant: 2, user: 1).status == 404)
            let list = try await Self.tenantCall(client, .get, "/api/v1/audiences", tenant: 2, user: 1)
            #expect(list.json?["total"]?.integerValue == 0)
            let campaign = try await Self.tenantCall(
                client, .post, "/api/v1/campaigns", tenant: 2, user: 1, body: #"{"channel":"sms","name":"C","audience_id":\#(id),"body":"b"}"#)
            #expect(campaign.status == 400 && campaign.json?["error"]?["field"]?.stringValue == "audience_id")
            #expect(try await Self.tenantCall(client, .get, "/api/v1/audiences/\(id)", tenant: 1, user: 1).json?["name"]?.stringValue == "Lapsed")
        }
    }

    @Test func aRepeatedIdempotencyKeySavesTheAudienceOnce() async throws {
        var deps = RouterTests.dependencies()
        deps.installation = InstallationMode(saas: true)
        try await RouterTests.withRouter(deps) { client in
            let first = try await IdempotencyTests.post(client, "/api/v1/audiences", body: Self.lapsed, key: "save-audience-1", user: 1)
            #expect(first.status == 201 && !first.replayed, "\(first.body)")
            let again = try await IdempotencyTests.post(client, "/api/v1/audiences", body: Self.lapsed, key: "save-audience-1", user: 1)
            #expect(again.status == 201 && again.replayed && again.body == first.body)
            let other = try await IdempotencyTests.post(
                client, "/api/v1/audiences", body: Self.lapsed.replacingOccurrences(of: "Lapsed", with: "Other"), key: "save-audience-1",
                user: 1)
            #expect(other.status == 422 && other.code == "idempotency_key_reused")
            let list = try await Self.tenantCall(client, .get, "/api/v1/audiences", tenant: 1, user: 1)
            #expect(list.json?["total"]?.integerValue == 1)
        }
    }
}
