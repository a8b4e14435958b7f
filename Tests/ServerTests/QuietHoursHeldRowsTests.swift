import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import MariaDB
import NIOCore
import Server
import TestSupport
import Testing

/// DESIGN §21 and §7: a row quiet hours hold stays pending with no error, shows until when it is
/// held, and progress says when the first held message goes out.
@Suite("Quiet hours hold rows through the service", .serialized)
struct QuietHoursHeldRowsTests {
    @Test func heldRowsCarryNoErrorAndSayWhenTheyGoOut() async throws {
        // 02:00 UTC on a winter night: 02:00 in London, six hours before the 08:00 opening. The
        // engine's clock starts there and runs at the real pace.
        let night = try #require(ISO8601DateFormatter().date(from: "2030-01-15T02:00:00Z"))
        try await ProviderFlowTests.withService("held_rows", engineClock: RunningClock(from: night)) { pool, client, fake, _ in
            let settings = #"{"channel":"sms","quiet_hours":{"start":"08:00","end":"21:00"},"timezone":"Europe/London"}"#
            #expect(try await APIFixture.call(client, .put, "/api/v1/settings", tenant: 1, user: 10, body: settings).status == 200)
            let body = #"{"channel":"sms","name":"Night","segment":{"type":"all_customers"},"body":"Hi {customer_first_name}"}"#
            let created = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: 1, user: 10, body: body)
            let id = try #require(created.json?["id"]?.integerValue)
            #expect(try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 10).status == 200)

            var progress = JSONValue.null
            for attempt in 0..<100 {
                let answer = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/progress?poll=\(attempt)", tenant: 1, user: 10)
                progress = answer.json ?? .null
                if progress["waiting"]?.integerValue == 6 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let opening = "2030-01-15T08:00:00Z"
            #expect(progress["waiting"]?.integerValue == 6 && progress["pending"]?.integerValue == 6, "\(progress)")
            #expect(progress["next_release_at"]?.stringValue == opening, "\(progress)")
            #expect(fake.messages.isEmpty, "nobody is messaged at night")

            let logs = try #require(try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/logs", tenant: 1, user: 10).json)
            let rows = try #require(logs["items"]?.arrayValue)
            #expect(rows.count == 6)
            for row in rows {
                #expect(row["status"]?.stringValue == "pending" && row["held_until"]?.stringValue == opening, "\(row)")
                #expect(row["last_error"] == nil || row["last_error"] == .null, "last_error is for errors only: \(row)")
            }
            let stored = try await pool.withConnection { db in
                try await db.query("SELECT held, last_error FROM wpa_bkntc_campaign_logs WHERE campaign_id = \(id)")
                    .map { (try $0.decode("held", as: Int.self), try $0.decode("last_error", as: String?.self)) }
            }
            #expect(stored.allSatisfy { $0.0 == 1 && $0.1 == nil }, "\(stored)")
            let csv = try await client.execute(
                uri: "/api/v1/campaigns/\(id)/logs.csv", method: .get,
                headers: APIFixture.signed(.get, "/api/v1/campaigns/\(id)/logs.csv", tenant: 1, user: 10)
            ) { String(buffer: $0.body) }
            let lines = csv.split(separator: "\r\n")
            let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false) ?? []
            let column = try #require(header.firstIndex(of: "held_until"), "\(csv)")
            #expect(lines.count == 7)
            #expect(
                lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[column] == opening }, "\(csv)")

            // A wider window (the settings change) releases them: due now, held no more.
            let always = #"{"channel":"sms","quiet_hours":{"start":"00:00","end":"24:00"}}"#
            #expect(try await APIFixture.call(client, .put, "/api/v1/settings", tenant: 1, user: 10, body: always).status == 200)
            let done = try await ProviderFlowTests.waitUntilDone(client, id: id)
            #expect(done["status"]?.stringValue == "completed" && done["sent"]?.integerValue == 6, "\(done)")
            #expect(done["next_release_at"] == .null && done["waiting"]?.integerValue == 0)
        }
    }
}
