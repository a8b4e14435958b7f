import CampaignStore
import Campaigns
import Foundation
import HummingbirdTesting
import MariaDB
import TestSupport
import Testing

/// Script in customer names and campaign names is inert in the emails the service sends
/// (issue: reliability, security): customers named `<script>…` and `"><img … onerror=…>` get
/// an email campaign, with an HTML body and with a plain one, through the real SMTP server;
/// in the HTML part they received their names are escaped text, never markup, and so are the
/// rendered previews the admin UI shows.
@Suite("Script payloads in emails", .serialized)
struct XSSEmailTests {
    static let payloads = [("<script>alert(1)</script>", "Script"), ("Eve", "\"><img src=x onerror=alert(1)>")]

    /// The HTML part of a received message, quoted-printable decoded.
    static func htmlPart(_ raw: String) throws -> String {
        let start = try #require(raw.range(of: "Content-Type: text/html; charset=utf-8\r\n"))
        let rest = raw[start.upperBound...]
        let body = try #require(rest.range(of: "\r\n\r\n"))
        let end = rest.range(of: "\r\n--=_", range: body.upperBound..<rest.endIndex)?.lowerBound ?? rest.endIndex
        return quotedPrintableDecoded(String(rest[body.upperBound..<end]))
    }

    static func quotedPrintableDecoded(_ text: String) -> String {
        let bytes = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var decoded: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), index + 2 < bytes.count,
                let byte = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                decoded.append(byte)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// The SMTP test server keeps mail per address for every suite: fixture customers get
    /// addresses no other suite counts (ProviderFlowTests counts what c1–c6.t1@ receive).
    static func giveCustomersAddressesOfTheirOwn(_ pool: MariaDBPool) async throws {
        let run = UUID().uuidString.prefix(8).lowercased()
        try await pool.withConnection { db in
            try await db.execute("UPDATE wpa_bkntc_customers SET email = CONCAT(\(run), '-', email) WHERE email IS NOT NULL")
        }
    }

    static func assertInert(_ html: String, _ context: String) {
        for markup in ["<script", "<img", "onerror=alert(1)>"] {
            #expect(!html.contains(markup), "\(context): \(markup) is markup in \(html)")
        }
    }

    @Test func customerNamesAreEscapedInTheHTMLPartAndInPreviews() async throws {
        try await ProviderFlowTests.withService("xss_email") { pool, client, _, smtp in
            try await Self.giveCustomersAddressesOfTheirOwn(pool)
            let run = UUID().uuidString.prefix(8).lowercased()
            let addresses = Self.payloads.indices.map { "xss\($0)-\(run)@example.com" }
            try await pool.withConnection { db in
                for (index, (first, last)) in Self.payloads.enumerated() {
                    try await db.execute(
                        "INSERT INTO wpa_bkntc_customers (first_name, last_name, email, tenant_id) VALUES (\(first), \(last), \(addresses[index]), 1)"
                    )
                }
            }
            let bodies = ["<p>Hello {customer_full_name}, {customer_first_name}!</p>", "Hello {customer_full_name}, {customer_first_name}!"]
            for (number, body) in bodies.enumerated() {
                let campaign: JSONValue = .object([
                    "channel": .string("email"), "name": .string("<script>alert('campaign')</script> \(number)"),
                    "segment": .object(["type": .string("all_customers")]), "subject": .string("Hi {customer_first_name}"), "body": .string(body),
                ])
                let text = String(decoding: try JSONEncoder().encode(campaign), as: UTF8.self)
                let created = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: 1, user: 10, body: text)
                let id = try #require(created.json?["id"]?.integerValue)
                let previews = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/preview-messages", tenant: 1, user: 10)
                let rendered = previews.json?["items"]?.arrayValue?.compactMap { $0["body"]?.stringValue } ?? []
                #expect(!rendered.isEmpty)
                if number == 0 {
                    // An HTML body: the preview is HTML (shown in a sandboxed frame) with escaped values.
                    for preview in rendered { Self.assertInert(preview, "preview \(number)") }
                }
                #expect(try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 10).status == 200)
                let done = try await ProviderFlowTests.waitUntilDone(client, id: id)
                #expect(done["status"]?.stringValue == "completed", "\(done)")
                for (index, address) in addresses.enumerated() {
                    let received = try smtp.received(for: address)
                    let raw = try #require(received.dropFirst(number).first?.raw, "campaign \(number) reached \(address)")
                    let html = try Self.htmlPart(raw)
                    Self.assertInert(html, "campaign \(number) to \(address)")
                    let (first, last) = Self.payloads[index]
                    // Escaped: by the renderer for an HTML body, by the composer for a plain one.
                    let escaped = MessageRenderer.escapeHTML(first + " " + last)
                    #expect(html.contains(escaped), "campaign \(number): the escaped name \(escaped) is in \(html)")
                }
            }
        }
    }
}
