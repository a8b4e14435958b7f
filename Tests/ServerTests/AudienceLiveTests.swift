import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import MariaDB
import TestSupport
import Testing

/// Saved audiences (DESIGN §16) through the running service on MariaDB: tenants apart, the audit
/// trail, `used_by`, the in-use refusal without a race against a campaign being saved, a campaign
/// whose send reads the audience as it is then, and `category_ids` with and without Booknetic 5's
/// column.
@Suite("Saved audiences on MariaDB", .serialized)
struct AudienceLiveTests {
    /// A signed call whose path is unique, so no two calls share a signature.
    static func call(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, tenant: Int = 1, user: Int = 10, body: String = ""
    ) async throws -> (status: Int, json: JSONValue?) {
        try await APIFixture.call(client, method, AudienceRouteTests.unique(path), tenant: tenant, user: user, body: body)
    }

    static func audience(_ name: String, channel: String = "sms", segment: String = #"{"type":"all_customers"}"#, filters: String = "null")
        -> String
    {
        #"{"name":"\#(name)","channel":"\#(channel)","segment":\#(segment),"filters":\#(filters)}"#
    }

    static func count(_ pool: MariaDBPool, _ sql: MariaDBQuery) async throws -> Int {
        try await pool.withConnection { db in try await db.queryFirst(sql)?.decode("n", as: Int.self) ?? -1 }
    }

    @Test func audiencesAreTenantScopedAuditedAndListedWithTheirCampaigns() async throws {
        try await APIFixture.live("audiences_crud") { pool, client in
            let created = try await Self.call(client, .post, "/api/v1/audiences", body: Self.audience("Everyone"))
            #expect(created.status == 201, "\(String(describing: created.json))")
            let id = try #require(created.json?["id"]?.integerValue)
            #expect(created.json?["created_by"]?.integerValue == 10 && created.json?["used_by"]?.arrayValue?.isEmpty == true)
            let renamed = try await Self.call(client, .put, "/api/v1/audiences/\(id)", body: Self.audience("All of them"))
            #expect(renamed.status == 200 && renamed.json?["name"]?.stringValue == "All of them")
            let stored = try await Self.count(
                pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_audiences WHERE id = \(id) AND tenant_id = 1 AND tenant_key = 1")
            #expect(stored == 1)

            // Tenant 2 (email only) sees nothing of it and cannot reference it.
            for (method, body) in [(HTTPRequest.Method.get, ""), (.put, Self.audience("Mine", channel: "email")), (.delete, "")] {
                #expect(try await Self.call(client, method, "/api/v1/audiences/\(id)", tenant: 2, user: 20, body: body).status == 404)
            }
            #expect(try await Self.call(client, .post, "/api/v1/audiences/\(id)/preview", tenant: 2, user: 20).status == 404)
            let theirs = try await Self.call(client, .get, "/api/v1/audiences", tenant: 2, user: 20)
            #expect(theirs.json?["total"]?.integerValue == 0)
            let borrowed = try await Self.call(
                client, .post, "/api/v1/campaigns", tenant: 2, user: 20,
                body: #"{"channel":"email","name":"C","audience_id":\#(id),"subject":"S","body":"b"}"#)
            #expect(borrowed.status == 400 && borrowed.json?["error"]?["field"]?.stringValue == "audience_id")
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns") == 0)

            // Its own campaigns reference it; the list and the audience name them.
            let campaign = try await Self.call(
                client, .post, "/api/v1/campaigns", body: #"{"channel":"email","name":"C","audience_id":\#(id),"subject":"S","body":"b"}"#)
            #expect(campaign.status == 201 && campaign.json?["audience_id"]?.integerValue == id, "\(String(describing: campaign.json))")
            let campaignID = try #require(campaign.json?["id"]?.integerValue)
            let listed = try await Self.call(client, .get, "/api/v1/audiences?q=all")
            #expect(listed.json?["items"]?.arrayValue?.first?["used_by"]?.arrayValue?.compactMap(\.integerValue) == [campaignID])
            let refused = try await Self.call(client, .delete, "/api/v1/audiences/\(id)")
            #expect(refused.status == 409 && refused.json?["error"]?["code"]?.stringValue == "audience_in_use")

            // A sent (completed) campaign does not keep it; it keeps its copy of the segment.
            try await pool.withConnection { db in
                try await db.execute("UPDATE wpa_bkntc_campaigns SET status = 'completed' WHERE id = \(campaignID)")
            }
            #expect(try await Self.call(client, .delete, "/api/v1/audiences/\(id)").status == 204)
            let after = try await Self.call(client, .get, "/api/v1/campaigns/\(campaignID)")
            #expect(after.json?["audience_id"] == .null && after.json?["segment"]?["type"]?.stringValue == "all_customers")

            let audit = try await Self.call(client, .get, "/api/v1/audit?object_type=audience&object_id=\(id)")
            let actions = audit.json?["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue }
            #expect(actions == ["delete", "update", "create"], "\(String(describing: audit.json))")
            #expect(audit.json?["items"]?.arrayValue?.first?["detail"]?["name"]?.stringValue == "All of them")
            #expect(audit.json?["items"]?.arrayValue?.first?["user_id"]?.integerValue == 10)
        }
    }

    @Test func aRecurringCampaignKeepsItsAudienceAndASendReadsTheAudienceAsItIsThen() async throws {
        try await APIFixture.live("audiences_send") { pool, client in
            try await pool.withConnection { db in
                try await db.execute("UPDATE wpa_bkntc_customers SET category_id = IF(id % 2 = 0, 7, 8) WHERE tenant_id = 1")
            }
            let created = try await Self.call(
                client, .post, "/api/v1/audiences", body: Self.audience("Sevens", filters: #"{"category_ids":[7]}"#))
            let id = try #require(created.json?["id"]?.integerValue)
            let preview = try await Self.call(client, .post, "/api/v1/audiences/\(id)/preview")
            let sevens = try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_customers WHERE tenant_id = 1 AND category_id = 7")
            #expect(sevens == 3 && preview.json?["count"]?.integerValue == sevens, "\(String(describing: preview.json))")
            let direct = try await Self.call(
                client, .post, "/api/v1/segments/preview",
                body: #"{"channel":"sms","segment":{"type":"all_customers"},"filters":{"category_ids":[7]}}"#)
            #expect(direct.json == preview.json)

            // A recurring (paused after its run) campaign keeps the audience from being deleted.
            let recurring = try await Self.call(
                client, .post, "/api/v1/campaigns", body: #"{"channel":"sms","name":"R","audience_id":\#(id),"body":"b","recurrence":"0 9 * * *"}"#)
            let recurringID = try #require(recurring.json?["id"]?.integerValue)
            try await pool.withConnection { db in
                try await db.execute("UPDATE wpa_bkntc_campaigns SET status = 'completed' WHERE id = \(recurringID)")
            }
            let refused = try await Self.call(client, .delete, "/api/v1/audiences/\(id)")
            #expect(refused.status == 409 && refused.json?["error"]?["message"]?.stringValue?.contains("#\(recurringID)") == true)

            // A draft made with the sevens is sent after the audience changed to the eights.
            let draft = try await Self.call(
                client, .post, "/api/v1/campaigns", body: #"{"channel":"sms","name":"D","audience_id":\#(id),"body":"Hi"}"#)
            let draftID = try #require(draft.json?["id"]?.integerValue)
            let edited = try await Self.call(
                client, .put, "/api/v1/audiences/\(id)", body: Self.audience("Eights", filters: #"{"category_ids":[8]}"#))
            #expect(edited.status == 200 && edited.json?["used_by"]?.arrayValue?.compactMap(\.integerValue) == [recurringID, draftID])
            let sent = try await Self.call(client, .post, "/api/v1/campaigns/\(draftID)/send")
            #expect(sent.status == 200 && sent.json?["total"]?.integerValue == 3, "\(String(describing: sent.json))")
            let snapshotted = try await Self.count(
                pool,
                """
                SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_logs l JOIN wpa_bkntc_customers c ON c.id = l.customer_id
                WHERE l.campaign_id = \(draftID) AND c.category_id = 8
                """)
            #expect(snapshotted == 3, "the audience as it was at the send")
        }
    }

    @Test func categoryIDsWithoutBooknetic5sColumnAreUnsupported() async throws {
        try await APIFixture.live("audiences_nocategory") { pool, client in
            let before = try await Self.call(
                client, .post, "/api/v1/segments/preview",
                body: #"{"channel":"email","segment":{"type":"all_customers"},"filters":{"category_ids":[1]}}"#)
            #expect(before.status == 200 && before.json?["count"]?.integerValue == 0)
            let saved = try await Self.call(client, .post, "/api/v1/audiences", body: Self.audience("Cats", filters: #"{"category_ids":[1]}"#))
            let id = try #require(saved.json?["id"]?.integerValue)
            try await pool.withConnection { db in try await db.execute("ALTER TABLE wpa_bkntc_customers DROP COLUMN category_id") }

            let preview = try await Self.call(
                client, .post, "/api/v1/segments/preview",
                body: #"{"channel":"email","segment":{"type":"all_customers"},"filters":{"category_ids":[1]}}"#)
            #expect(preview.status == 400 && preview.json?["error"]?["code"]?.stringValue == "unsupported_filter")
            #expect(preview.json?["error"]?["field"]?.stringValue == "filters.category_ids")
            let create = try await Self.call(client, .post, "/api/v1/audiences", body: Self.audience("More cats", filters: #"{"category_ids":[2]}"#))
            #expect(create.status == 400 && create.json?["error"]?["code"]?.stringValue == "unsupported_filter")
            #expect(
                try await Self.call(client, .post, "/api/v1/audiences/\(id)/preview").json?["error"]?["code"]?.stringValue == "unsupported_filter")
            let campaign = try await Self.call(
                client, .post, "/api/v1/campaigns", body: #"{"channel":"sms","name":"C","audience_id":\#(id),"body":"b"}"#)
            #expect(campaign.status == 400 && campaign.json?["error"]?["code"]?.stringValue == "unsupported_filter")
            // Without the filter everything works as before.
            let plain = try await Self.call(
                client, .post, "/api/v1/segments/preview", body: #"{"channel":"email","segment":{"type":"all_customers"}}"#)
            #expect(plain.status == 200 && plain.json?["count"]?.integerValue == 6)
        }
    }

    @Test func deletingWhileCampaignsAreSavedWithItNeverLeavesADanglingReference() async throws {
        try await APIFixture.live("audiences_race") { pool, client in
            for round in 0..<6 {
                let id = try #require(
                    try await Self.call(client, .post, "/api/v1/audiences", body: Self.audience("Race \(round)")).json?["id"]?.integerValue)
                let results = try await withThrowingTaskGroup(of: (String, Int, Int?).self) { group in
                    group.addTask {
                        let deleted = try await Self.call(client, .delete, "/api/v1/audiences/\(id)")
                        return ("delete", deleted.status, nil)
                    }
                    for n in 0..<3 {
                        group.addTask {
                            let body = #"{"channel":"sms","name":"R\#(round)-\#(n)","audience_id":\#(id),"body":"b"}"#
                            let created = try await Self.call(client, .post, "/api/v1/campaigns", body: body)
                            return ("create", created.status, created.json?["id"]?.integerValue)
                        }
                    }
                    var all: [(String, Int, Int?)] = []
                    for try await result in group { all.append(result) }
                    return all
                }
                let deleted = results.first { $0.0 == "delete" }?.1
                let creates = results.filter { $0.0 == "create" }
                #expect(creates.allSatisfy { [201, 400].contains($0.1) }, "round \(round): \(results)")
                let referencing = try await Self.count(
                    pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns WHERE audience_id = \(id)")
                let exists = try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_audiences WHERE id = \(id)")
                if deleted == 204 {
                    #expect(exists == 0 && referencing == 0, "round \(round): a campaign references a deleted audience")
                    #expect(creates.allSatisfy { $0.1 == 400 }, "round \(round): \(results)")
                } else {
                    #expect(deleted == 409 && exists == 1, "round \(round): \(results)")
                    #expect(referencing == creates.filter { $0.1 == 201 }.count && referencing > 0)
                }
            }
            let dangling = try await Self.count(
                pool,
                """
                SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns c LEFT JOIN wpa_bkntc_campaign_audiences a ON a.id = c.audience_id
                WHERE c.audience_id IS NOT NULL AND a.id IS NULL
                """)
            #expect(dangling == 0)
        }
    }
}
