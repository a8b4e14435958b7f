import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import MariaDB
import NIOCore
import Server
import TestSupport
import Testing

/// Clicks and opens through the running service (DESIGN §18): messages sent through the Twilio
/// fake and the SMTP server carry per-recipient short links, `/r/{code}` redirects and counts,
/// the open image records the first open, and results split direct bookings from the rest.
@Suite("Engagement through the service", .serialized)
struct EngagementFlowTests {
    static let base = ProviderFlowTests.publicURL

    /// The codes of the short links in `text`.
    static func codes(in text: String) -> [String] {
        text.components(separatedBy: base + "/r/").dropFirst().map { String($0.prefix { $0.isLetter || $0.isNumber }) }
    }

    static func sendAndWait(_ client: any TestClientProtocol, _ body: String) async throws -> Int {
        let created = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: 1, user: 10, body: body)
        let id = try #require(created.json?["id"]?.integerValue, "\(created)")
        #expect(try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 10).status == 200)
        let done = try await ProviderFlowTests.waitUntilDone(client, id: id)
        #expect(done["status"]?.stringValue == "completed", "\(done)")
        return id
    }

    static func get(_ client: any TestClientProtocol, _ path: String, method: HTTPRequest.Method = .get) async throws
        -> (status: Int, location: String?, type: String?, body: [UInt8])
    {
        try await client.execute(uri: path, method: method) { response in
            (Int(response.status.code), response.headers[.location], response.headers[.contentType], Array(buffer: response.body))
        }
    }

    /// The decoded text of a quoted-printable body.
    static func unquoted(_ raw: String) -> String {
        var text = raw.replacingOccurrences(of: "=\r\n", with: "")
        for (code, character) in [("=3D", "="), ("=20", " "), ("=09", "\t")] { text = text.replacingOccurrences(of: code, with: character) }
        return text
    }

    @Test func smsLinksArePerRecipientRedirectCountClicksAndMakeDirectBookings() async throws {
        try await ProviderFlowTests.withService("engagement_sms") { pool, client, fake, _ in
            let url = "https://salon.example/book?service=3&ref=sms"
            let id = try await Self.sendAndWait(
                client,
                #"{"channel":"sms","name":"Links","segment":{"type":"all_customers"},"body":"Hi {customer_first_name}, book: \#(url). See you!"}"#)
            let sms = fake.messages.filter { !$0.to.hasPrefix("whatsapp:") }
            #expect(sms.count == 6)
            let codes = sms.flatMap { Self.codes(in: $0.body ?? "") }
            #expect(codes.count == 6 && Set(codes).count == 6, "one link per recipient, all distinct")
            #expect(codes.allSatisfy { $0.count >= 8 && $0.count <= 12 && ShortCode.isWellFormed($0) })
            #expect(sms.allSatisfy { $0.body?.contains(url) == false && $0.body?.hasSuffix(". See you!") == true }, "\(sms.map(\.body))")
            let stored = try await pool.withConnection { db in
                try await db.query("SELECT code, url, log_id, campaign_id, tenant_id FROM wpa_bkntc_campaign_links")
            }
            #expect(stored.count == 6)
            #expect(try stored.allSatisfy { try $0.decode("url", as: String.self) == url && $0.decode("campaign_id", as: Int.self) == id })

            // HEAD answers like GET but records nothing; each GET counts; the first sets clicked_at.
            let code = codes[0]
            let head = try await Self.get(client, "/r/\(code)", method: .head)
            #expect(head.status == 302 && head.location == url)
            func clicks() async throws -> (Int, Date?) {
                try await pool.withConnection { db in
                    let row = try #require(
                        try await db.queryFirst(
                            """
                            SELECT l.clicks, l.clicked_at FROM wpa_bkntc_campaign_logs l
                            JOIN wpa_bkntc_campaign_links k ON k.log_id = l.id WHERE k.code = \(code)
                            """))
                    return (try row.decode("clicks"), try row.decode("clicked_at"))
                }
            }
            let untouched = try await clicks()
            #expect(untouched.0 == 0 && untouched.1 == nil)
            let first = try await Self.get(client, "/r/\(code)")
            #expect(first.status == 302 && first.location == url)
            let clickedAt = try #require(try await clicks().1)
            _ = try await Self.get(client, "/r/\(code)")
            let twice = try await clicks()
            #expect(twice.0 == 2 && twice.1 == clickedAt, "the first click stays the first")

            // Unknown and malformed codes: a small 404 page.
            for path in ["/r/ZZZZZZZZZZ", "/r/abc", "/r/" + String(repeating: "a", count: 13), "/r/abc-defghi"] {
                let missing = try await Self.get(client, path)
                #expect(missing.status == 404 && missing.type?.hasPrefix("text/html") == true, "\(path)")
            }
            // A stored URL that is not http(s) is never redirected to.
            try await pool.withConnection { db in
                try await db.execute("UPDATE wpa_bkntc_campaign_links SET url = 'javascript:alert(1)' WHERE code = \(codes[1])")
            }
            #expect(try await Self.get(client, "/r/\(codes[1])").status == 404)

            // Reading it back: the log row, progress, results with a direct booking.
            let logs = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/logs?per_page=50", tenant: 1, user: 10)
            let items = try #require(logs.json?["items"]?.arrayValue)
            #expect(items.filter { $0["clicks"]?.integerValue == 2 && $0["clicked_at"]?.stringValue != nil }.count == 1, "\(items)")
            #expect(items.allSatisfy { $0["opened_at"] == .null })
            let progress = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/progress", tenant: 1, user: 10)
            #expect(
                progress.json?["clicked"]?.integerValue == 1 && progress.json?["opened"]?.integerValue == 0, "\(String(describing: progress.json))")
            let clicked = try #require(items.first { $0["clicks"]?.integerValue == 2 })
            let address = try #require(clicked["address"]?.stringValue)
            let other = try #require(items.first { $0["clicks"]?.integerValue == 0 }?["address"]?.stringValue)
            let now = Int(Date().timeIntervalSince1970) + 5
            try await pool.withConnection { db in
                for phone in [address, other] {
                    let customer: Int = try #require(
                        try await db.queryFirst(
                            "SELECT customer_id FROM wpa_bkntc_campaign_logs WHERE campaign_id = \(id) AND address = \(phone)")?.decode("customer_id")
                    )
                    try await db.execute(
                        """
                        INSERT INTO wpa_bkntc_appointments (customer_id, status, starts_at, created_at, paid_amount, tenant_id)
                        VALUES (\(customer), 'approved', \(now + 86_400), \(now), 40, 1)
                        """)
                }
            }
            let results = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/results", tenant: 1, user: 10)
            #expect(results.json?["bookings"]?.integerValue == 2, "\(String(describing: results.json))")
            #expect(results.json?["clicked"]?.integerValue == 1)
            #expect(results.json?["direct"]?["bookings"]?.integerValue == 1 && results.json?["direct"]?["revenue"] == .number(40))
            // The CSV carries the columns too.
            let csv = try await client.execute(
                uri: "/api/v1/campaigns/\(id)/logs.csv", method: .get,
                headers: APIFixture.signed(.get, "/api/v1/campaigns/\(id)/logs.csv", tenant: 1, user: 10, body: "")
            ) { String(buffer: $0.body) }
            #expect(csv.split(separator: "\n").first?.contains("clicked_at,clicks,opened_at") == true, "\(csv.prefix(200))")
        }
    }

    @Test func emailHrefsAreTrackedButNotTheUnsubscribeLinkOrOtherSchemesAndOpensAreRecorded() async throws {
        try await ProviderFlowTests.withService("engagement_email") { pool, client, _, smtp in
            let before = try smtp.received(for: "c1.t1@example.com").count
            let tracking = try await APIFixture.call(
                client, .put, "/api/v1/settings", tenant: 1, user: 10, body: #"{"channel":"email","tracking":{"clicks":true,"opens":true}}"#)
            #expect(tracking.status == 200)
            let html =
                #"<p>Hi {customer_first_name}, <a href=\"https://salon.example/offer?a=1&amp;b=2\">see the offer</a>, <a href=\"javascript:alert(1)\">js</a>, <a href=\"mailto:salon@example.com\">mail us</a>.</p>"#
            let id = try await Self.sendAndWait(
                client, #"{"channel":"email","name":"Mail","segment":{"type":"all_customers"},"subject":"Offer","body":"\#(html)"}"#)
            let received = try smtp.received(for: "c1.t1@example.com")
            #expect(received.count == before + 1)
            let raw = Self.unquoted(try #require(received.last?.raw))
            let codes = Self.codes(in: raw)
            #expect(Set(codes).count == 1, "one short link, in both parts: \(codes)")
            #expect(raw.contains("href=\"\(Self.base)/r/\(codes[0])\""))
            #expect(!raw.contains("https://salon.example/offer"), "the text part uses the short link too")
            #expect(raw.contains("href=\"javascript:alert(1)\"") && raw.contains("href=\"mailto:salon@example.com\""))
            #expect(raw.contains(Self.base + "/unsubscribe/"), "the unsubscribe link stays itself")
            let offer = try await Self.get(client, "/r/\(codes[0])")
            #expect(offer.status == 302 && offer.location == "https://salon.example/offer?a=1&b=2")

            // The open image: a GIF; the first load sets opened_at.
            let token = try #require(raw.components(separatedBy: Self.base + "/t/o/").dropFirst().first?.prefix { $0 != "\"" })
            let pixel = try await Self.get(client, "/t/o/\(token)")
            #expect(pixel.status == 200 && pixel.type == "image/gif" && pixel.body.prefix(6).elementsEqual("GIF89a".utf8))
            func opened() async throws -> [Date?] {
                try await pool.withConnection { db in
                    try await db.query("SELECT opened_at FROM wpa_bkntc_campaign_logs WHERE campaign_id = \(id) ORDER BY id").map {
                        try $0.decode("opened_at")
                    }
                }
            }
            #expect(try await opened().compactMap { $0 }.count == 1)
            // A forged or re-spelled token still gets the image and records nothing.
            for bad in [String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A"), token + "=", "x.y"] {
                let answer = try await Self.get(client, "/t/o/\(bad)")
                #expect(answer.status == 200 && answer.type == "image/gif")
            }
            #expect(try await opened().compactMap { $0 }.count == 1)
            let progress = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/progress", tenant: 1, user: 10)
            #expect(progress.json?["opened"]?.integerValue == 1 && progress.json?["clicked"]?.integerValue == 1)
        }
    }

    @Test func withClickTrackingOffNothingIsRewritten() async throws {
        try await ProviderFlowTests.withService("engagement_off") { pool, client, fake, _ in
            let off = try await APIFixture.call(
                client, .put, "/api/v1/settings", tenant: 1, user: 10, body: #"{"channel":"sms","tracking":{"clicks":false,"opens":false}}"#)
            #expect(off.status == 200)
            _ = try await Self.sendAndWait(
                client, #"{"channel":"sms","name":"Plain","segment":{"type":"all_customers"},"body":"Book at https://salon.example/book"}"#)
            let sms = fake.messages.filter { !$0.to.hasPrefix("whatsapp:") }
            #expect(sms.count == 6 && sms.allSatisfy { $0.body == "Book at https://salon.example/book" })
            let links = try await pool.withConnection { db in try await db.query("SELECT id FROM wpa_bkntc_campaign_links") }
            #expect(links.isEmpty)
        }
    }
}
