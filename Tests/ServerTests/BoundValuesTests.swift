import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import MariaDB
import Messaging
import NIOCore
import Server
import TestSupport
import Testing

/// Every SQL statement carries request values as bound parameters, never in its text (issue:
/// reliability, security). With MariaDB's general log on (to a table), requests put unique
/// markers in every field a caller controls: names, bodies, subjects, filters, search
/// queries, suppression addresses and reasons, pasted address lists, template fields, WhatsApp
/// content variables, webhook fields, unsubscribe addresses, and the signatures themselves.
/// Then no `Query` or `Prepare` row of the log may contain a marker (`Execute` rows show the
/// bound values expanded, and must). A statement built with a marker in its text, logged in
/// the same window, proves that the check sees such a statement.
@Suite("Bound values only", .serialized)
struct BoundValuesTests {
    /// Runs `body` with the general log on, then restores the server's settings.
    static func withGeneralLog(_ body: () async throws -> Void) async throws {
        let admin = MariaDBPool(configuration: try TestDatabase.configuration(database: "", maxConnections: 1), logger: TestDatabase.logger)
        let original = try await admin.withConnection { db in
            try await db.queryFirst("SELECT @@global.general_log AS enabled, @@global.log_output AS output")
        }
        let enabled = (try? original?.decode("enabled", as: Int.self)) ?? 0
        let output = (try? original?.decode("output", as: String.self)) ?? "FILE"
        func restore() async {
            _ = try? await admin.withConnection { db in
                try await db.executeRaw(RawSQL(trusted: "SET GLOBAL general_log = \(enabled == 0 ? 0 : 1)"))
                if ["FILE", "TABLE", "NONE", "FILE,TABLE", "TABLE,FILE"].contains(output) {
                    try await db.executeRaw(RawSQL(trusted: "SET GLOBAL log_output = '\(output)'"))
                }
            }
        }
        do {
            try await admin.withConnection { db in
                try await db.executeRaw("SET GLOBAL log_output = 'TABLE'")
                try await db.executeRaw("SET GLOBAL general_log = 1")
            }
            try await body()
        } catch {
            await restore()
            await admin.close()
            throw error
        }
        await restore()
        await admin.close()
    }

    /// The general log's rows that contain `marker`, as (command type, statement text).
    static func logged(_ marker: String) async throws -> [(type: String, text: String)] {
        let admin = MariaDBPool(configuration: try TestDatabase.configuration(database: "", maxConnections: 1), logger: TestDatabase.logger)
        defer { Task { await admin.close() } }
        return try await admin.withConnection { db in
            try await db.query(
                """
                SELECT command_type, CONVERT(argument USING utf8mb4) AS text FROM mysql.general_log
                WHERE LOWER(CONVERT(argument USING utf8mb4)) LIKE \("%" + marker.lowercased() + "%")
                """
            ).map { (try $0.decode("command_type", as: String.self), try $0.decode("text", as: String.self)) }
        }
    }

    @Test func noRequestValueReachesTheTextOfAStatement() async throws {
        let run = "mk" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        let markers = Markers(run: run)
        let signatures = SignatureLog()
        try await TwoTenantFixture.live("bound_values") { pool, client in
            try await Self.withGeneralLog {
                // The sanity statements: a marker in the text is seen; a bound one only in Execute.
                try await pool.withConnection { db in
                    try await db.executeRaw(RawSQL(trusted: "SELECT '\(run)sraw' AS x"))
                    _ = try await db.query(try MariaDBQuery(compiled: "SELECT '\(run)sprepared' AS x", binds: []))
                    _ = try await db.query("SELECT \("\(run)sbound") AS x")
                }
                try await Self.exercise(client, pool: pool, marker: markers.next, signatures: signatures)
            }
        }
        let rows = try await Self.logged(run)
        func found(_ suffix: String, _ type: String) -> [String] { rows.filter { $0.type == type && $0.text.contains(run + suffix) }.map(\.text) }
        #expect(!found("sraw", "Query").isEmpty, "a text query with a marker is in the log")
        #expect(!found("sprepared", "Prepare").isEmpty, "a prepared statement with a marker in its text is in the log")
        #expect(!found("sbound", "Execute").isEmpty && found("sbound", "Prepare").isEmpty, "a bound value shows only when executed")
        let requestRows = rows.filter { $0.text.lowercased().contains(run + "r") }
        #expect(requestRows.filter { $0.type == "Execute" }.count >= 20, "the markers reached the database: \(requestRows.count) rows")
        for row in requestRows where row.type != "Execute" {
            Issue.record("a request value is in the text of a \(row.type) statement: \(row.text.prefix(400))")
        }
        // The signatures (request headers, stored as nonces) are values too.
        let statements = try await Self.logged("")
            .filter { $0.type != "Execute" && $0.text.contains("nonces") }
        for signature in signatures.all {
            #expect(!statements.contains { $0.text.contains(signature) }, "a signature is in a statement's text")
        }
        #expect(markers.count >= 25)
    }

    /// Unique markers of one run: `<run>r<n>` plus an optional tail.
    final class Markers: @unchecked Sendable {
        let run: String
        private let lock = NSLock()
        private var issued = 0
        init(run: String) { self.run = run }
        var count: Int { lock.withLock { issued } }

        @Sendable func next(_ tail: String) -> String {
            let n = lock.withLock {
                issued += 1
                return issued
            }
            return "\(run)r\(n)" + tail
        }
    }

    /// Collects the signatures the test sends.
    final class SignatureLog: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String] = []
        var all: [String] { lock.withLock { values } }
        func add(_ value: String) { lock.withLock { values.append(value) } }
    }

    static func exercise(
        _ client: any TestClientProtocol, pool: MariaDBPool, marker: @Sendable (String) -> String, signatures: SignatureLog
    ) async throws {
        @discardableResult
        func call(_ method: HTTPRequest.Method, _ path: String, tenant: Int = 1, user: Int = 10, _ body: JSONValue? = nil) async throws -> JSONValue?
        {
            let text = body.map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) } ?? ""
            let headers = APIFixture.signed(method, path, tenant: tenant, user: user, body: text)
            if let signature = headers[HTTPField.Name("X-Bkntc-Signature")!] { signatures.add(signature) }
            let (status, json) = try await client.execute(
                uri: path, method: method, headers: headers, body: text.isEmpty ? nil : ByteBuffer(string: text)
            ) { (Int($0.status.code), try? JSONDecoder().decode(JSONValue.self, from: Data($0.body.readableBytesView))) }
            #expect(status < 500, "\(method) \(path): \(json.map { "\($0)" } ?? "")")
            return json
        }
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
        let quote = "' OR '1'='1"
        // Campaigns: every text field, filters with strings, WhatsApp content variables.
        var ids: [Int] = []
        for channel in ["sms", "email", "whatsapp"] {
            var campaign: [String: JSONValue] = [
                "channel": .string(channel), "name": .string(marker(quote)), "body": .string(marker(" {customer_first_name}")),
                "segment": .object(["type": .string("all_customers")]),
                "filters": .object(["statuses": .array([.string(marker("")), .string("approved")])]),
            ]
            if channel == "email" { campaign["subject"] = .string(marker("\\")) }
            if channel == "whatsapp" {
                campaign["content_sid"] = .string("HX" + marker(""))
                campaign["content_variables"] = .object(["1": .string(marker("")), "2": .string("{customer_first_name}")])
            }
            let created = try await call(.post, "/api/v1/campaigns", .object(campaign))
            let id = try #require(created?["id"]?.integerValue, "\(created.map { "\($0)" } ?? "")")
            ids.append(id)
            campaign["name"] = .string(marker("\""))
            try await call(.put, "/api/v1/campaigns/\(id)", .object(campaign))
            try await call(.get, "/api/v1/campaigns/\(id)/preview-messages")
        }
        for search in [marker(quote), marker("%_")] {
            try await call(.get, "/api/v1/campaigns?channel=sms&q=\(encoded(search))")
            try await call(.get, "/api/v1/templates?channel=sms&q=\(encoded(search))")
            try await call(.get, "/api/v1/suppressions?channel=email&q=\(encoded(search))")
            try await call(.get, "/api/v1/customers?q=\(encoded(search))")
        }
        try await call(.post, "/api/v1/campaigns/\(ids[0])/duplicate")
        // Segment previews with string filters.
        try await call(
            .post, "/api/v1/segments/preview",
            .object([
                "channel": .string("sms"), "segment": .object(["type": .string("all_customers")]),
                "filters": .object(["statuses": .array([.string(marker(quote))])]),
            ]))
        // A campaign with a plain body that is sent: the snapshot copies names and addresses.
        let plain: JSONValue = .object([
            "channel": .string("sms"), "name": .string(marker("")), "body": .string(marker("")),
            "segment": .object(["type": .string("all_customers")]),
        ])
        let sent = try #require(try await call(.post, "/api/v1/campaigns", plain)?["id"]?.integerValue)
        try await call(.post, "/api/v1/campaigns/\(sent)/send")
        try await call(.get, "/api/v1/campaigns/\(sent)/logs?q=\(encoded(marker("")))")
        // Templates.
        let template = try await call(
            .post, "/api/v1/templates",
            .object(["channel": .string("email"), "name": .string(marker(quote)), "body": .string(marker("<p>")), "subject": .string(marker(""))]))
        if let id = template?["id"]?.integerValue {
            try await call(
                .put, "/api/v1/templates/\(id)",
                .object(["channel": .string("email"), "name": .string(marker("")), "body": .string(marker("")), "subject": .string(marker(""))]))
        }
        // Suppressions: address and reason.
        try await call(
            .post, "/api/v1/suppressions",
            .object(["channel": .string("email"), "address": .string(marker("") + "@example.com"), "reason": .string(marker(quote))]))
        // Manual send: pasted addresses, body, subject.
        try await call(
            .post, "/api/v1/manual-send",
            .object([
                "channel": .string("email"), "body": .string(marker("")), "subject": .string(marker("")),
                "addresses": .string("\(marker(""))@example.com, \(marker(""))@example.org\nnot-an-address-\(marker(""))"),
            ]))
        // Settings.
        try await call(
            .put, "/api/v1/settings", .object(["channel": .string("sms"), "timezone": .string("Europe/London"), "rate_limit": .number(3)]))
        // Webhooks: a status callback for an unknown sid is kept (sid and error code stored).
        let status = [
            FormField("AccountSid", TwoTenantFixture.one.sid), FormField("MessageSid", "SM" + marker("")), FormField("MessageStatus", "undelivered"),
            FormField("ErrorCode", String(marker("").suffix(16))),
        ]
        #expect(try await TwoTenantFixture.webhook(client, "/webhooks/twilio/status", status, token: TwoTenantFixture.one.token).status == 200)
        // An unsubscribe link for a marked address.
        let token = UnsubscribeToken(scope: .tenant(1), channel: .email, address: marker("") + "@example.com", campaignID: ids[1])
            .encoded(secret: APIFixture.secret)
        #expect(try await client.execute(uri: "/unsubscribe/\(token)", method: .post) { Int($0.status.code) } == 200)
        // A browser session (its launch token's nonce is stored).
        let launch = APIFixture.launchToken(tenant: 1, user: 10)
        _ = try await client.execute(
            uri: "/api/v1/sessions", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"launch_token":"\#(launch)"}"#)
        ) { $0.status.code }
    }
}
