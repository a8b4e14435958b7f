import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import MariaDB
import TestSupport
import Testing

/// Broadcasts (DESIGN §14) through the running service on MariaDB: one campaign per channel
/// created, changed, sent and controlled together, `first` mode's fall-through, the shared
/// holdout, the capability on every channel, and scheduled activation of every channel at once.
@Suite("Broadcasts on MariaDB", .serialized)
struct BroadcastLiveTests {
    static func call(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, tenant: Int = 1, user: Int = 10, body: String = ""
    ) async throws -> (status: Int, json: JSONValue?) {
        try await APIFixture.call(client, method, AudienceRouteTests.unique(path), tenant: tenant, user: user, body: body)
    }

    static func broadcast(
        _ name: String, mode: String = "first", channels: String = #"["sms","email"]"#, extra: String = ""
    ) -> String {
        #"{"name":"\#(name)","channels":\#(channels),"mode":"\#(mode)","segment":{"type":"all_customers"},"content":{"sms":{"body":"Hi {customer_first_name}"},"email":{"subject":"News","body":"Hello {customer_first_name}"}}\#(extra)}"#
    }

    static func count(_ pool: MariaDBPool, _ sql: MariaDBQuery) async throws -> Int {
        try await pool.withConnection { db in try await db.queryFirst(sql)?.decode("n", as: Int.self) ?? -1 }
    }

    /// Customer ids of a campaign's log rows (optionally of one status and reason).
    static func customers(_ pool: MariaDBPool, campaign: Int, skipped reason: String? = nil) async throws -> Set<Int> {
        try await pool.withConnection { db in
            let filter: MariaDBQuery = reason.map { " AND status = 'skipped' AND last_error = \($0)" } ?? ""
            return Set(
                try await db.query("SELECT customer_id FROM wpa_bkntc_campaign_logs WHERE campaign_id = \(campaign)\(filter)")
                    .map { try $0.decode("customer_id", as: Int.self) })
        }
    }

    static func campaignIDs(_ json: JSONValue?) -> [String: Int] {
        var ids: [String: Int] = [:]
        for item in json?["campaigns"]?.arrayValue ?? [] {
            if let channel = item["channel"]?.stringValue, let id = item["id"]?.integerValue { ids[channel] = id }
        }
        return ids
    }

    @Test func createReadListEditDuplicateAndDeleteEveryChannelTogether() async throws {
        try await APIFixture.live("broadcasts_crud") { pool, client in
            let created = try await Self.call(client, .post, "/api/v1/broadcasts", body: Self.broadcast("Spring"))
            #expect(created.status == 201, "\(String(describing: created.json))")
            let json = try #require(created.json)
            let id = try #require(json["id"]?.integerValue)
            #expect(json["name"]?.stringValue == "Spring" && json["mode"]?.stringValue == "first" && json["status"]?.stringValue == "draft")
            #expect(json["channels"]?.arrayValue?.compactMap(\.stringValue) == ["sms", "email"])
            #expect(json["campaigns"]?.arrayValue?.compactMap { $0["channel"]?.stringValue } == ["sms", "email"])
            #expect(json["campaigns"]?.arrayValue?.allSatisfy { $0["status"]?.stringValue == "draft" } == true)
            let ids = Self.campaignIDs(json)
            let sms = try #require(ids["sms"])
            let email = try #require(ids["email"])

            // Each channel is an ordinary campaign carrying broadcast_id; the list filters by it.
            let smsCampaign = try await Self.call(client, .get, "/api/v1/campaigns/\(sms)")
            #expect(smsCampaign.json?["broadcast_id"]?.integerValue == id && smsCampaign.json?["body"]?.stringValue == "Hi {customer_first_name}")
            let emailCampaign = try await Self.call(client, .get, "/api/v1/campaigns/\(email)")
            #expect(emailCampaign.json?["subject"]?.stringValue == "News" && emailCampaign.json?["name"]?.stringValue == "Spring")
            let alone = try await Self.call(
                client, .post, "/api/v1/campaigns", body: #"{"channel":"sms","name":"Alone","segment":{"type":"all_customers"},"body":"b"}"#)
            #expect(alone.json?["broadcast_id"] == .null)
            let members = try await Self.call(client, .get, "/api/v1/campaigns?broadcast_id=\(id)")
            #expect(Set(members.json?["items"]?.arrayValue?.compactMap { $0["id"]?.integerValue } ?? []) == [sms, email])

            // Tenant-scoped list with ?q=, newest first; another tenant sees nothing of it.
            _ = try await Self.call(client, .post, "/api/v1/broadcasts", body: Self.broadcast("Autumn", mode: "all"))
            let listed = try await Self.call(client, .get, "/api/v1/broadcasts")
            #expect(listed.json?["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Autumn", "Spring"])
            let searched = try await Self.call(client, .get, "/api/v1/broadcasts?q=spr")
            #expect(searched.json?["total"]?.integerValue == 1 && searched.json?["items"]?.arrayValue?.first?["id"]?.integerValue == id)
            #expect(try await Self.call(client, .get, "/api/v1/broadcasts", tenant: 2, user: 20).json?["total"]?.integerValue == 0)
            #expect(try await Self.call(client, .get, "/api/v1/broadcasts/\(id)", tenant: 2, user: 20).status == 404)

            // An edit changes every campaign; a channel swapped for another replaces its campaign.
            let edited = try await Self.call(
                client, .put, "/api/v1/broadcasts/\(id)",
                body:
                    #"{"name":"Spring 2","channels":["email","whatsapp"],"mode":"all","segment":{"type":"all_customers"},"content":{"email":{"subject":"S2","body":"E2"},"whatsapp":{"body":"W2"}}}"#
            )
            #expect(edited.status == 200, "\(String(describing: edited.json))")
            #expect(edited.json?["channels"]?.arrayValue?.compactMap(\.stringValue) == ["email", "whatsapp"])
            let editedIDs = Self.campaignIDs(edited.json)
            #expect(editedIDs["email"] == email && editedIDs["sms"] == nil)
            #expect(try await Self.call(client, .get, "/api/v1/campaigns/\(sms)").status == 404)
            #expect(try await Self.call(client, .get, "/api/v1/campaigns/\(email)").json?["body"]?.stringValue == "E2")

            // Duplicate: a fresh draft of every channel.
            let copy = try await Self.call(client, .post, "/api/v1/broadcasts/\(id)/duplicate")
            #expect(copy.status == 201 && copy.json?["name"]?.stringValue == "Spring 2 (copy)")
            let copyIDs = Self.campaignIDs(copy.json)
            #expect(copyIDs.count == 2 && Set(copyIDs.values).isDisjoint(with: Set(editedIDs.values)))

            // The audit trail names the broadcast on each campaign's entry.
            let audit = try await Self.call(client, .get, "/api/v1/audit?object_type=campaign&object_id=\(email)")
            let actions = audit.json?["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue }
            #expect(actions == ["update", "create"], "\(String(describing: audit.json))")
            #expect(audit.json?["items"]?.arrayValue?.last?["detail"]?["broadcast_id"]?.integerValue == id)

            // Delete takes every campaign with it.
            #expect(try await Self.call(client, .delete, "/api/v1/broadcasts/\(id)").status == 204)
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns WHERE broadcast_id = \(id)") == 0)
            #expect(try await Self.call(client, .get, "/api/v1/broadcasts/\(id)").status == 404)
        }
    }

    @Test func theCapabilityIsNeededOnEveryChannelAndNothingIsCreatedWithoutIt() async throws {
        try await APIFixture.live("broadcasts_403") { pool, client in
            // The marketing staff may create SMS campaigns, not email ones.
            let refused = try await Self.call(client, .post, "/api/v1/broadcasts", user: 30, body: Self.broadcast("Nope"))
            #expect(refused.status == 403 && refused.json?["error"]?["code"]?.stringValue == "capability", "\(String(describing: refused.json))")
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns") == 0)
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_broadcasts") == 0)
            // Made by the owner, the staff member can neither read nor send it.
            let created = try await Self.call(client, .post, "/api/v1/broadcasts", body: Self.broadcast("Owner's"))
            let id = try #require(created.json?["id"]?.integerValue)
            #expect(try await Self.call(client, .get, "/api/v1/broadcasts/\(id)", user: 30).status == 403)
            #expect(try await Self.call(client, .post, "/api/v1/broadcasts/\(id)/send", user: 30).status == 403)
            #expect(try await Self.call(client, .get, "/api/v1/broadcasts", user: 30).json?["total"]?.integerValue == 0)
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_logs") == 0)
        }
    }

    @Test func anActionRefusedForOneChannelRefusesAll() async throws {
        try await APIFixture.live("broadcasts_refuse") { pool, client in
            let created = try await Self.call(client, .post, "/api/v1/broadcasts", body: Self.broadcast("Both"))
            let id = try #require(created.json?["id"]?.integerValue)
            let ids = Self.campaignIDs(created.json)
            let sms = try #require(ids["sms"])
            let email = try #require(ids["email"])
            func set(_ campaign: Int, _ status: String) async throws {
                try await pool.withConnection { db in
                    try await db.execute("UPDATE wpa_bkntc_campaigns SET status = \(status) WHERE id = \(campaign)")
                }
            }
            func status(_ campaign: Int) async throws -> String? {
                try await Self.call(client, .get, "/api/v1/campaigns/\(campaign)").json?["status"]?.stringValue
            }

            // Send: the completed SMS campaign refuses, so the email one is not snapshotted either.
            try await set(sms, "completed")
            let send = try await Self.call(client, .post, "/api/v1/broadcasts/\(id)/send")
            #expect(send.status == 409 && send.json?["error"]?["code"]?.stringValue == "campaign_completed")
            #expect(try await status(email) == "draft")
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_logs") == 0)

            // Pause: the sending SMS campaign could pause, the draft email one cannot: neither does.
            try await set(sms, "sending")
            let pause = try await Self.call(client, .post, "/api/v1/broadcasts/\(id)/pause")
            #expect(pause.status == 409 && pause.json?["error"]?["code"]?.stringValue == "invalid_transition")
            #expect(try await status(sms) == "sending")

            // Both running: both pause; the broadcast is paused.
            try await set(email, "queued")
            let paused = try await Self.call(client, .post, "/api/v1/broadcasts/\(id)/pause")
            #expect(paused.status == 200 && paused.json?["status"]?.stringValue == "paused", "\(String(describing: paused.json))")
            #expect(try await status(sms) == "paused")
            #expect(try await status(email) == "paused")

            // An ended campaign is left out: cancel applies to the paused one only.
            try await set(sms, "completed")
            let cancelled = try await Self.call(client, .post, "/api/v1/broadcasts/\(id)/cancel")
            #expect(cancelled.status == 200 && cancelled.json?["status"]?.stringValue == "completed", "\(String(describing: cancelled.json))")
            #expect(try await status(sms) == "completed")
            #expect(try await status(email) == "cancelled")
            // Nothing left to act on: the refusal the campaigns would get.
            let again = try await Self.call(client, .post, "/api/v1/broadcasts/\(id)/cancel")
            #expect(again.status == 409 && again.json?["error"]?["code"]?.stringValue == "campaign_completed")
            // Delete and edit follow §4 for every campaign: a sending one locks the broadcast.
            try await set(email, "sending")
            let delete = try await Self.call(client, .delete, "/api/v1/broadcasts/\(id)")
            #expect(delete.status == 409 && delete.json?["error"]?["code"]?.stringValue == "campaign_locked")
            let edit = try await Self.call(client, .put, "/api/v1/broadcasts/\(id)", body: Self.broadcast("Both"))
            #expect(edit.status == 409)
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns WHERE broadcast_id = \(id)") == 2)
        }
    }

    @Test func firstModeFallsThroughAllModeReachesEveryChannelAndTheHoldoutIsShared() async throws {
        try await APIFixture.live("broadcasts_snapshot") { pool, client in
            // Customer 1 has no phone; customer 2's phone is suppressed for SMS; customer 3 has no
            // valid email (so SMS only either way).
            let ids = try await pool.withConnection { db in
                try await db.query("SELECT id FROM wpa_bkntc_customers WHERE tenant_id = 1 ORDER BY id").map { try $0.decode("id", as: Int.self) }
            }
            try #require(ids.count == 6)
            try await pool.withConnection { db in
                try await db.execute("UPDATE wpa_bkntc_customers SET phone_number = '' WHERE id = \(ids[0])")
                try await db.execute("UPDATE wpa_bkntc_customers SET email = 'not an address' WHERE id = \(ids[2])")
            }
            let suppressed = try await Self.call(client, .post, "/api/v1/suppressions", body: #"{"channel":"sms","address":"+447700910002"}"#)
            #expect(suppressed.status == 201, "\(String(describing: suppressed.json))")

            let first = try await Self.call(client, .post, "/api/v1/broadcasts", body: Self.broadcast("First"))
            let firstID = try #require(first.json?["id"]?.integerValue)
            let sent = try await Self.call(client, .post, "/api/v1/broadcasts/\(firstID)/send")
            #expect(sent.status == 200 && sent.json?["status"]?.stringValue == "sending", "\(String(describing: sent.json))")
            let firstIDs = Self.campaignIDs(first.json)
            let smsFirst = try await Self.customers(pool, campaign: try #require(firstIDs["sms"]))
            let emailFirst = try await Self.customers(pool, campaign: try #require(firstIDs["email"]))
            #expect(smsFirst == Set(ids[2...5]))
            #expect(emailFirst == [ids[0], ids[1]])
            #expect(smsFirst.isDisjoint(with: emailFirst))

            // Progress sums the channels and shows each.
            let progress = try await Self.call(client, .get, "/api/v1/broadcasts/\(firstID)/progress")
            #expect(
                progress.json?["total"]?.integerValue == 6 && progress.json?["pending"]?.integerValue == 6, "\(String(describing: progress.json))")
            #expect(progress.json?["channels"]?["sms"]?["total"]?.integerValue == 4)
            #expect(progress.json?["channels"]?["email"]?["total"]?.integerValue == 2)

            // `all`: everyone reachable on a channel gets it there.
            let all = try await Self.call(client, .post, "/api/v1/broadcasts", body: Self.broadcast("All", mode: "all"))
            let allIDs = Self.campaignIDs(all.json)
            #expect(try await Self.call(client, .post, "/api/v1/broadcasts/\(try #require(all.json?["id"]?.integerValue))/send").status == 200)
            #expect(try await Self.customers(pool, campaign: try #require(allIDs["sms"])) == Set(ids[2...5]))
            #expect(try await Self.customers(pool, campaign: try #require(allIDs["email"])) == Set(ids).subtracting([ids[2]]))

            // A holdout is drawn once per customer for the whole broadcast: held out everywhere.
            let held = try await Self.call(
                client, .post, "/api/v1/broadcasts", body: Self.broadcast("Held", mode: "all", extra: #","holdout_percent":50"#))
            let heldID = try #require(held.json?["id"]?.integerValue)
            let heldIDs = Self.campaignIDs(held.json)
            #expect(try await Self.call(client, .post, "/api/v1/broadcasts/\(heldID)/send").status == 200)
            let expected = Set(ids.filter { Holdout(percent: 50, broadcastID: heldID).holdsOut(campaignID: 0, customerID: $0) })
            let heldSMS = try await Self.customers(pool, campaign: try #require(heldIDs["sms"]), skipped: "holdout")
            let heldEmail = try await Self.customers(pool, campaign: try #require(heldIDs["email"]), skipped: "holdout")
            #expect(heldSMS == expected.intersection(Set(ids[2...5])))
            #expect(heldEmail == expected.subtracting([ids[2]]))
        }
    }
}
