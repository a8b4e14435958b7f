import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import MariaDB
import TestSupport
import Testing

/// Broadcasts' later runs on MariaDB: scheduled activation and recurring runs of every channel
/// together, and the results over the broadcast.
extension BroadcastLiveTests {
    @Test func aScheduledBroadcastActivatesEveryChannelInOneSnapshot() async throws {
        try await APIFixture.live("broadcasts_schedule") { pool, client in
            let ids = try await pool.withConnection { db in
                try await db.query("SELECT id FROM wpa_bkntc_customers WHERE tenant_id = 1 ORDER BY id").map { try $0.decode("id", as: Int.self) }
            }
            try await pool.withConnection { db in
                try await db.execute("UPDATE wpa_bkntc_customers SET phone_number = 'none' WHERE id = \(ids[5])")
            }
            let at = Date().addingTimeInterval(3600).formatted(.iso8601)
            let created = try await Self.call(
                client, .post, "/api/v1/broadcasts", body: Self.broadcast("Later", extra: #","scheduled_at":"\#(at)","recurrence":"0 9 * * *""#))
            #expect(created.status == 201, "\(String(describing: created.json))")
            let id = try #require(created.json?["id"]?.integerValue)
            let scheduled = try await Self.call(client, .post, "/api/v1/broadcasts/\(id)/send")
            #expect(scheduled.json?["status"]?.stringValue == "scheduled", "\(String(describing: scheduled.json))")
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_logs") == 0)

            // Due now: one activation snapshots both channels, `first` mode applied.
            try await pool.withConnection { db in
                let due = Date().addingTimeInterval(-60)
                try await db.execute("UPDATE wpa_bkntc_campaigns SET scheduled_at = \(due) WHERE broadcast_id = \(id)")
            }
            let settings = MariaDBSiteSettings(pool: pool, prefix: APIFixture.prefix, fallbackCountryCode: "44", clock: SystemClock())
            let campaigns = MariaDBCampaignRepository(pool: pool, prefix: APIFixture.prefix, settings: settings, clock: SystemClock())
            let activated = try await pool.withConnection { db in
                try await MariaDBScheduler(db: db, prefix: APIFixture.prefix, campaigns: campaigns).activateDue(now: Date())
            }
            #expect(activated == 2)
            let campaignIDs = Self.campaignIDs(created.json)
            #expect(try await Self.customers(pool, campaign: try #require(campaignIDs["sms"])) == Set(ids[0...4]))
            #expect(try await Self.customers(pool, campaign: try #require(campaignIDs["email"])) == [ids[5]])

            // A recurring broadcast goes back to scheduled only when every channel has ended,
            // all at the same time.
            let smsID = try #require(campaignIDs["sms"])
            let emailID = try #require(campaignIDs["email"])
            try await pool.withConnection { db in
                try await db.execute("UPDATE wpa_bkntc_campaigns SET status = 'completed' WHERE id = \(smsID)")
                let scheduler = MariaDBScheduler(db: db, prefix: APIFixture.prefix, campaigns: campaigns)
                try await scheduler.rescheduleRecurring(campaignIDs: [smsID], now: Date())
            }
            #expect(try await Self.call(client, .get, "/api/v1/campaigns/\(smsID)").json?["status"]?.stringValue == "completed")
            try await pool.withConnection { db in
                try await db.execute("UPDATE wpa_bkntc_campaigns SET status = 'completed' WHERE id = \(emailID)")
                let scheduler = MariaDBScheduler(db: db, prefix: APIFixture.prefix, campaigns: campaigns)
                try await scheduler.rescheduleRecurring(campaignIDs: [emailID], now: Date())
            }
            let after = try await Self.call(client, .get, "/api/v1/broadcasts/\(id)")
            #expect(after.json?["status"]?.stringValue == "scheduled", "\(String(describing: after.json))")
            #expect(
                try await Self.count(
                    pool, "SELECT COUNT(DISTINCT scheduled_at) AS n FROM wpa_bkntc_campaigns WHERE broadcast_id = \(id) AND status = 'scheduled'")
                    == 1)
        }
    }

    @Test func sendingOneChannelsCampaignSendsTheBroadcastInOneSnapshot() async throws {
        try await APIFixture.live("broadcasts_campaign_send") { pool, client in
            let created = try await Self.call(client, .post, "/api/v1/broadcasts", body: Self.broadcast("Through a channel"))
            let id = try #require(created.json?["id"]?.integerValue)
            let ids = Self.campaignIDs(created.json)
            let sms = try #require(ids["sms"])
            let email = try #require(ids["email"])
            // The SMS-only sender may not send the email channel, so not its SMS campaign either.
            let refused = try await Self.call(client, .post, "/api/v1/campaigns/\(sms)/send", user: 30)
            #expect(refused.status == 403, "\(String(describing: refused.json))")
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_logs") == 0)
            // Sending the email campaign alone sends the broadcast: `first` mode holds, and the
            // customer without a phone gets the email only.
            try await pool.withConnection { db in
                try await db.execute("UPDATE wpa_bkntc_customers SET phone_number = 'none' WHERE tenant_id = 1 ORDER BY id LIMIT 1")
            }
            let sent = try await Self.call(client, .post, "/api/v1/campaigns/\(email)/send")
            #expect(sent.status == 200, "\(String(describing: sent.json))")
            #expect(sent.json?["id"]?.integerValue == email && sent.json?["broadcast_id"]?.integerValue == id)
            let smsCustomers = try await Self.customers(pool, campaign: sms)
            let emailCustomers = try await Self.customers(pool, campaign: email)
            #expect(!smsCustomers.isEmpty && emailCustomers.count == 1)
            #expect(smsCustomers.isDisjoint(with: emailCustomers))
            let broadcast = try await Self.call(client, .get, "/api/v1/broadcasts/\(id)")
            #expect(broadcast.json?["campaigns"]?.arrayValue?.allSatisfy { $0["status"]?.stringValue != "draft" } == true)
            // Sending it again is refused like any sent broadcast.
            #expect(try await Self.call(client, .post, "/api/v1/campaigns/\(sms)/send").status == 409)
        }
    }

    @Test func resultsCountACustomerMessagedOnTwoChannelsOnceAndABookingOnce() async throws {
        try await APIFixture.live("broadcasts_results") { pool, client in
            let created = try await Self.call(client, .post, "/api/v1/broadcasts", body: Self.broadcast("Both", mode: "all"))
            let id = try #require(created.json?["id"]?.integerValue)
            let ids = Self.campaignIDs(created.json)
            #expect(try await Self.call(client, .post, "/api/v1/broadcasts/\(id)/send").status == 200)
            // Everyone was messaged on both channels an hour ago; customer 1 booked since.
            let sentAt = Date().addingTimeInterval(-3600)
            let bookedAt = Int(Date().timeIntervalSince1970) - 1800
            let customer = try await pool.withConnection { db in
                try await db.execute(
                    "UPDATE wpa_bkntc_campaign_logs SET status = 'sent', sent_at = \(sentAt) WHERE campaign_id IN (\(list: Array(ids.values)))")
                let first = try #require(
                    try await db.queryFirst("SELECT MIN(id) AS id FROM wpa_bkntc_customers WHERE tenant_id = 1")?.decode("id", as: Int.self))
                try await db.execute(
                    """
                    INSERT INTO wpa_bkntc_appointments (customer_id, status, starts_at, created_at, paid_amount, tenant_id)
                    VALUES (\(first), 'approved', \(bookedAt + 86_400), \(bookedAt), 40, 1)
                    """)
                return first
            }
            #expect(try await Self.count(pool, "SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_logs WHERE customer_id = \(customer)") == 2)
            let results = try await Self.call(client, .get, "/api/v1/broadcasts/\(id)/results")
            #expect(results.status == 200, "\(String(describing: results.json))")
            #expect(results.json?["broadcast_id"]?.integerValue == id)
            #expect(results.json?["messaged"]?.integerValue == 6, "\(String(describing: results.json))")
            #expect(results.json?["booked_customers"]?.integerValue == 1 && results.json?["bookings"]?.integerValue == 1)
            #expect(results.json?["revenue"] == .number(40))
            #expect(results.json?["clicked"]?.integerValue == 0 && results.json?["direct"]?["bookings"]?.integerValue == 0)
            // Per campaign the customer counts on each channel, and the booking on one of them.
            var messaged = 0
            var bookings = 0
            for campaign in ids.values {
                let one = try await Self.call(client, .get, "/api/v1/campaigns/\(campaign)/results")
                messaged += one.json?["messaged"]?.integerValue ?? 0
                bookings += one.json?["bookings"]?.integerValue ?? 0
            }
            #expect(messaged == 12 && bookings == 1)
            // Clicks (DESIGN §18): customer 1 clicked both messages before booking, another
            // customer the SMS only: two recipients clicked, and the booking is direct.
            try await pool.withConnection { db in
                let clickedAt = Date().addingTimeInterval(-2400)
                try await db.execute(
                    "UPDATE wpa_bkntc_campaign_logs SET clicked_at = \(clickedAt), clicks = 1 WHERE customer_id = \(customer)")
                try await db.execute(
                    """
                    UPDATE wpa_bkntc_campaign_logs SET clicked_at = \(clickedAt), clicks = 2
                    WHERE campaign_id = \(ids["sms"] ?? 0) AND customer_id <> \(customer) ORDER BY id LIMIT 1
                    """)
            }
            let clicked = try await Self.call(client, .get, "/api/v1/broadcasts/\(id)/results")
            #expect(clicked.json?["clicked"]?.integerValue == 2, "\(String(describing: clicked.json))")
            #expect(clicked.json?["direct"]?["bookings"]?.integerValue == 1 && clicked.json?["direct"]?["revenue"] == .number(40))
            // Progress sums the channels' recipients who clicked, and shows each channel's.
            let progress = try await Self.call(client, .get, "/api/v1/broadcasts/\(id)/progress")
            #expect(progress.json?["clicked"]?.integerValue == 3 && progress.json?["opened"]?.integerValue == 0)
            #expect(progress.json?["channels"]?["sms"]?["clicked"]?.integerValue == 2)
            #expect(progress.json?["channels"]?["email"]?["clicked"]?.integerValue == 1)
            // The staff member who may read SMS logs only cannot read the broadcast's results.
            #expect(try await Self.call(client, .get, "/api/v1/broadcasts/\(id)/results", user: 30).status == 403)
        }
    }
}
