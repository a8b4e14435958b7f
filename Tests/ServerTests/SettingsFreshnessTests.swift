import CampaignStore
import Campaigns
import Foundation
import HummingbirdTesting
import MariaDB
import Server
import TestSupport
import Testing

/// A change of the tenant's own settings applies at once on the replica that took it and within
/// 5 s on every other (DESIGN §10): found by an independent run, where a birthday preview still
/// counted UTC's birthdays right after `PUT /api/v1/settings` set a zone with another date.
@Suite("Settings apply at once", .serialized)
struct SettingsFreshnessTests {
    /// A zone whose date differs from UTC's right now (whatever the hour), and both dates as MM-DD.
    static func zoneWithAnotherDate(_ now: Date) -> (zone: String, utcDay: String, zoneDay: String) {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        // From 10:00 UTC Kiritimati (UTC+14) is a day ahead; before 11:00 Pago Pago (UTC−11) a day behind.
        let name = utc.component(.hour, from: now) >= 10 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago"
        var local = utc
        local.timeZone = TimeZone(identifier: name)!
        func day(_ calendar: Calendar) -> String {
            String(format: "%02d-%02d", calendar.component(.month, from: now), calendar.component(.day, from: now))
        }
        return (name, day(utc), day(local))
    }

    static func birthdayCount(_ client: any TestClientProtocol) async throws -> (count: Int, names: [String]) {
        let preview = try await APIFixture.call(
            // A fresh query each time: the same signed request twice in one second is a replay.
            client, .post, "/api/v1/segments/preview?poll=\(UUID().uuidString)", tenant: 1, user: 10,
            body: #"{"channel":"email","segment":{"type":"birthday","days":0}}"#)
        let names = preview.json?["sample"]?.arrayValue?.compactMap { $0["address"]?.stringValue }.sorted() ?? []
        return (preview.json?["count"]?.integerValue ?? -1, names)
    }

    @Test func aNewTimeZoneAppliesToTheNextBirthdayPreviewHereAndWithinFiveSecondsOnAnotherReplica() async throws {
        let (pool, deps) = try await APIFixture.make("settings_fresh")
        defer { Task { await TestDatabase.drop(pool) } }
        let (zone, utcDay, zoneDay) = Self.zoneWithAnotherDate(Date())
        try await pool.withConnection { db in
            try await db.execute(
                """
                INSERT INTO wpa_bkntc_customers (first_name, last_name, email, birthdate, tenant_id) VALUES
                  ('UTCborn', 'B', 'utc@example.com', \("1990-\(utcDay)"), 1), ('Zoneborn', 'B', 'zone@example.com', \("1991-\(zoneDay)"), 1)
                """)
        }
        // A second replica: its own caches, the same database.
        let other = AppDependencies.live(
            config: ServiceConfiguration(
                database: pool.configuration, prefix: APIFixture.prefix, saas: true, secret: APIFixture.secret, defaultCountryCode: "44",
                apiRateLimit: 100_000, apiRateBurst: 100_000),
            pool: pool, saas: true)
        try await APIFixture.withServer(deps) { client in
            try await APIFixture.withServer(other) { otherClient in
                #expect(try await Self.birthdayCount(client).names == ["utc@example.com"])
                #expect(try await Self.birthdayCount(otherClient).names == ["utc@example.com"], "both replicas cached the zone")
                let put = try await APIFixture.call(
                    client, .put, "/api/v1/settings", tenant: 1, user: 10, body: #"{"channel":"email","timezone":"\#(zone)"}"#)
                #expect(put.status == 200, "\(put)")
                #expect(try await Self.birthdayCount(client).names == ["zone@example.com"], "the replica that took the PUT applies it at once")
                // The other replica within 5 s (its settings version is read again after 4 s).
                var seen: [String] = []
                let started = ContinuousClock.now
                while ContinuousClock.now - started < .seconds(5) {
                    seen = try await Self.birthdayCount(otherClient).names
                    if seen == ["zone@example.com"] { break }
                    try await Task.sleep(for: .milliseconds(250))
                }
                #expect(seen == ["zone@example.com"], "another replica within 5 s")
                // Back to the default: at once again.
                _ = try await APIFixture.call(client, .put, "/api/v1/settings", tenant: 1, user: 10, body: #"{"channel":"email","timezone":null}"#)
                #expect(try await Self.birthdayCount(client).names == ["utc@example.com"])
            }
        }
    }
}
