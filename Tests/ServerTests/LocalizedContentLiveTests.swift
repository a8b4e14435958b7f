import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import MariaDB
import TestSupport
import Testing

/// DESIGN §15 through the running service on MariaDB and the real SMTP server: a German, a
/// Brazilian and a base-text customer each receive their variant with its button, the log rows
/// say which; previews count the variants; a customer without an appointment locale follows the
/// tenant's setting, then WordPress' `WPLANG`; an install without the `locale` column too.
@Suite("Localized content on MariaDB", .serialized)
struct LocalizedContentLiveTests {
    static func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, body: String = "") async throws
        -> (status: Int, json: JSONValue?)
    {
        try await APIFixture.call(client, method, AudienceRouteTests.unique(path), tenant: 1, user: 10, body: body)
    }

    /// Three customers of tenant 1 in category 77 (nobody else is): their latest appointments'
    /// locales are `de_DE` (an older one says `fr_FR`), `pt-BR` and `fr_FR`; ids in that order.
    static func addCustomers(_ pool: MariaDBPool, run: String) async throws -> [Int] {
        let people: [(String, String, [String?])] = [
            ("Anna Maria", "de", ["fr_FR", "de_DE"]), ("Joao", "br", ["pt-BR"]), ("Claire", "fr", [nil, "fr_FR"]),
        ]
        return try await pool.withConnection { db in
            var ids: [Int] = []
            for (first, tag, locales) in people {
                let id = try await db.execute(
                    """
                    INSERT INTO wpa_bkntc_customers (first_name, last_name, email, category_id, tenant_id)
                    VALUES (\(first), 'Test', \("\(tag)-\(run)@example.com"), 77, 1)
                    """
                ).lastInsertID
                for (index, locale) in locales.enumerated() {
                    try await db.execute(
                        """
                        INSERT INTO wpa_bkntc_appointments (customer_id, status, starts_at, created_at, locale, tenant_id)
                        VALUES (\(id), 'approved', \(1_700_000_000 + index * 86_400), 1700000000, \(locale), 1)
                        """)
                }
                ids.append(id)
            }
            return ids
        }
    }

    static let filters = #""segment":{"type":"all_customers"},"filters":{"category_ids":[77]}"#

    /// The text part of a received message, quoted-printable decoded.
    static func textPart(_ raw: String) throws -> String {
        let start = try #require(raw.range(of: "Content-Type: text/plain; charset=utf-8\r\n"))
        let rest = raw[start.upperBound...]
        let body = try #require(rest.range(of: "\r\n\r\n"))
        let end = rest.range(of: "\r\n--=_", range: body.upperBound..<rest.endIndex)?.lowerBound ?? rest.endIndex
        return XSSEmailTests.quotedPrintableDecoded(String(rest[body.upperBound..<end]))
    }

    static func localeCounts(_ json: JSONValue?) -> [String: Int] {
        var counts: [String: Int] = [:]
        for item in json?["locales"]?.arrayValue ?? [] {
            counts[item["locale"]?.stringValue ?? "base"] = item["count"]?.integerValue
        }
        return counts
    }

    @Test func eachCustomerGetsTheirVariantWithTheButtonAndTheLogSaysWhich() async throws {
        try await ProviderFlowTests.withService("i18n_send") { pool, client, _, smtp in
            let run = UUID().uuidString.prefix(8).lowercased()
            let ids = try await Self.addCustomers(pool, run: String(run))
            let campaign =
                #"{"channel":"email","name":"Welcome back",\#(Self.filters),"subject":"Hello {customer_first_name}","#
                + #""body":"<p>Hi {customer_first_name}</p>","subject_i18n":{"DE":"Hallo {customer_first_name}","pt-br":"Ola"},"#
                + #""body_i18n":{"de":"<p>Hallo {customer_first_name}</p>","pt_BR":"<p>Ola {customer_first_name}</p>"},"#
                + #""action_label":"Book now","action_url":"https://salon.example/book?name={customer_first_name}&l=1","#
                + #""action_label_i18n":{"de":"Jetzt buchen","pt-BR":"Reservar"}}"#
            let created = try await Self.call(client, .post, "/api/v1/campaigns", body: campaign)
            #expect(created.status == 201, "\(String(describing: created.json))")
            let id = try #require(created.json?["id"]?.integerValue)

            // The preview counts who gets which variant, and its messages say which.
            let preview = try await Self.call(
                client, .post, "/api/v1/segments/preview",
                body:
                    #"{"channel":"email",\#(Self.filters),"subject":"S","body":"B","body_i18n":{"de":"x {customer_phone}","pt_BR":"y"},"mask_addresses":false}"#
            )
            #expect(preview.status == 200 && preview.json?["count"]?.integerValue == 3, "\(String(describing: preview.json))")
            #expect(Self.localeCounts(preview.json) == ["base": 1, "de": 1, "pt_BR": 1], "\(String(describing: preview.json))")
            // Each recipient is checked in their own variant: only the German text asks for a
            // phone number, and only the German customer (who has none) would see it empty.
            #expect(preview.json?["missing"]?["customer_phone"]?.integerValue == 1, "\(String(describing: preview.json))")
            let messages = try await Self.call(client, .get, "/api/v1/campaigns/\(id)/preview-messages")
            let items = messages.json?["items"]?.arrayValue ?? []
            #expect(items.map { $0["locale"]?.stringValue ?? "base" } == ["de", "pt_BR", "base"], "\(String(describing: messages.json))")
            #expect(items.first?["subject"]?.stringValue == "Hallo Anna Maria")
            #expect(items.first?["html"]?.stringValue?.contains(">Jetzt buchen</a>") == true)
            // Without translations a preview has no `locales`.
            let plain = try await Self.call(client, .post, "/api/v1/segments/preview", body: #"{"channel":"email",\#(Self.filters)}"#)
            #expect(plain.status == 200 && plain.json?["locales"] == nil)

            #expect(try await Self.call(client, .post, "/api/v1/campaigns/\(id)/send").status == 200)
            let done = try await ProviderFlowTests.waitUntilDone(client, id: id)
            #expect(done["status"]?.stringValue == "completed" && done["sent"]?.integerValue == 3, "\(done)")
            let logs = try await Self.call(client, .get, "/api/v1/campaigns/\(id)/logs")
            var byCustomer: [Int: String] = [:]
            for row in logs.json?["items"]?.arrayValue ?? [] {
                byCustomer[row["customer_id"]?.integerValue ?? 0] = row["locale"]?.stringValue ?? "base"
            }
            #expect(byCustomer == [ids[0]: "de", ids[1]: "pt_BR", ids[2]: "base"], "\(String(describing: logs.json))")

            let expected: [(String, String, String, String, String)] = [
                ("de", "Hallo Anna Maria", "<p>Hallo Anna Maria</p>", "Jetzt buchen", "Anna%20Maria"),
                ("br", "Ola", "<p>Ola Joao</p>", "Reservar", "Joao"),
                ("fr", "Hello Claire", "<p>Hi Claire</p>", "Book now", "Claire"),
            ]
            for (tag, subject, body, label, name) in expected {
                let received = try smtp.received(for: "\(tag)-\(run)@example.com")
                let raw = try #require(received.first?.raw, "\(tag) got the campaign")
                #expect(raw.contains("Subject: \(subject)\r\n"), "\(tag): \(raw.prefix(600))")
                let html = try XSSEmailTests.htmlPart(raw)
                let url = "https://salon.example/book?name=\(name)&l=1"
                #expect(html.contains(body), "\(tag): \(html)")
                #expect(html.contains("<table role=\"presentation\""), "\(tag): a table-based button")
                // Clicks are tracked by default (DESIGN §18, the button included): the button
                // links to a short link that redirects to the personalized, percent-encoded URL.
                let end = try #require(html.range(of: ">\(label)</a>"), "\(tag): \(html)")
                let anchor = try #require(html[..<end.lowerBound].range(of: "<a ", options: .backwards))
                let attributes = html[anchor.upperBound..<end.lowerBound]
                let start = try #require(attributes.range(of: "href=\""))
                let short = String(attributes[start.upperBound...].prefix { $0 != "\"" })
                let path = try #require(short.range(of: "/r/")).lowerBound
                #expect(short[path...].count == 3 + 10, "\(tag): \(short)")
                let text = try Self.textPart(raw)
                #expect(text.contains("\(label): \(short)\r\n"), "\(tag): \(text)")
                let location = try await client.execute(uri: String(short[path...]), method: .get) { $0.headers[.location] }
                #expect(location == url, "\(tag)")
            }
            // The German footer speaks German.
            let german = try XSSEmailTests.htmlPart(try #require(try smtp.received(for: "de-\(run)@example.com").first?.raw))
            #expect(german.contains("Abmelden") || german.contains("abmelden"), "\(german)")
        }
    }

    @Test func withoutAnAppointmentLocaleTheTenantsSettingThenWPLANGDecides() async throws {
        try await APIFixture.live("i18n_fallback") { pool, client in
            let ids = try await Self.addCustomers(pool, run: "fb")
            // Anna's latest appointment names no locale now (an earlier one says de_DE): the fallback decides.
            try await pool.withConnection { db in
                try await db.execute(
                    """
                    INSERT INTO wpa_bkntc_appointments (customer_id, status, starts_at, created_at, locale, tenant_id)
                    VALUES (\(ids[0]), 'approved', 1800000000, 1700000000, '', 1)
                    """)
            }
            let body = #"{"channel":"email",\#(Self.filters),"subject":"S","body":"B","body_i18n":{"de":"x","pt":"y","fr_CA":"z"}}"#
            func counts() async throws -> [String: Int] {
                let preview = try await Self.call(client, .post, "/api/v1/segments/preview", body: body)
                #expect(preview.status == 200, "\(String(describing: preview.json))")
                return Self.localeCounts(preview.json)
            }
            // Nothing set: Anna gets the base text; Joao (pt_BR) gets pt; Claire (fr_FR) has no fr variant.
            #expect(try await counts() == ["base": 2, "pt": 1])
            try await pool.withConnection { db in
                try await db.execute("INSERT INTO wpa_options (option_name, option_value) VALUES ('WPLANG', 'de_DE_formal')")
            }
            #expect(try await counts() == ["base": 1, "de": 1, "pt": 1], "WPLANG")
            let set = try await Self.call(client, .put, "/api/v1/settings", body: #"{"channel":"email","locale":"pt-pt"}"#)
            #expect(set.json?["locale"]?["value"]?.stringValue == "pt_PT")
            #expect(try await counts() == ["base": 1, "pt": 2], "the tenant's setting comes before WPLANG")
            #expect(try await Self.call(client, .put, "/api/v1/settings", body: #"{"channel":"email","locale":null}"#).status == 200)
            #expect(try await counts() == ["base": 1, "de": 1, "pt": 1], "reset: WPLANG again")

            // A campaign's snapshot chooses as the preview counts.
            let created = try await Self.call(
                client, .post, "/api/v1/campaigns",
                body: #"{"channel":"email","name":"N",\#(Self.filters),"subject":"S","body":"B","body_i18n":{"de":"x","pt":"y"}}"#)
            let id = try #require(created.json?["id"]?.integerValue)
            #expect(try await Self.call(client, .post, "/api/v1/campaigns/\(id)/send").status == 200)
            let stored = try await pool.withConnection { db in
                try await db.query("SELECT customer_id, locale FROM wpa_bkntc_campaign_logs WHERE campaign_id = \(id) ORDER BY customer_id")
                    .map { "\(try $0.decode("customer_id", as: Int.self)):\(try $0.decode("locale", as: String?.self) ?? "base")" }
            }
            #expect(stored == ["\(ids[0]):de", "\(ids[1]):pt", "\(ids[2]):base"])

            // An install whose appointments have no `locale` column: everyone follows the fallback.
            try await pool.withConnection { db in try await db.execute("ALTER TABLE wpa_bkntc_appointments DROP COLUMN locale") }
            #expect(try await counts() == ["de": 3], "\(ids)")
        }
    }
}
