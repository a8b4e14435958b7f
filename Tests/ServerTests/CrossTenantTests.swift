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

/// Cross-tenant attempts on every route (issue: reliability, security). The routes that name
/// an object are read from the OpenAPI document, so a new one cannot be forgotten; tenant 5's
/// owner, the WordPress administrator acting in tenant 5, and a browser session of tenant 5
/// call each with every method the document declares, on tenant 1's campaigns, templates,
/// suppressions and customers. Every call is a 404 that says nothing about the object, and
/// afterwards tenant 1's rows (campaigns, logs, templates, suppressions, settings) and the
/// shared built-in templates are exactly what they were.
@Suite("Cross-tenant attempts", .serialized)
struct CrossTenantTests {
    struct Operation: Hashable, CustomStringConvertible {
        let method: HTTPRequest.Method
        let path: String
        var description: String { "\(method) \(path)" }
    }

    /// Every operation of the OpenAPI document whose path has an `{id}`.
    static func operationsWithIDs() throws -> [Operation] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/Server/Resources/openapi.yaml").standardized
        let text = try String(contentsOf: url, encoding: .utf8)
        var operations: [Operation] = []
        var path: String?
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"), let current = path, current.contains("{id}") {
                let name = line.trimmingCharacters(in: .whitespaces).dropLast()
                if let method = HTTPRequest.Method(name.uppercased()), ["GET", "PUT", "POST", "DELETE", "PATCH"].contains(method.rawValue) {
                    operations.append(Operation(method: method, path: current))
                }
            } else if !line.hasPrefix(" "), !line.isEmpty {
                path = nil
            }
        }
        return operations
    }

    /// Tenant 1's objects, created by its owner.
    struct Objects {
        var campaigns: [Int] = []
        var template = 0
        var builtinTemplate = 0
        var suppression = 0
        var audience = 0
        var broadcast = 0
        var customer = 1
    }

    static func prepareTenantOne(_ client: any TestClientProtocol) async throws -> Objects {
        var objects = Objects()
        for (channel, send) in [("sms", true), ("email", false), ("whatsapp", true)] {
            let body =
                #"{"channel":"\#(channel)","name":"Tenant one \#(channel)","segment":{"type":"all_customers"},"body":"Hi {customer_first_name}","subject":"Hi"}"#
            let created = try await APIFixture.call(client, .post, "/api/v1/campaigns", tenant: 1, user: 10, body: body)
            let id = try #require(created.json?["id"]?.integerValue)
            if send { #expect(try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 10).status == 200) }
            objects.campaigns.append(id)
        }
        let paused = try await APIFixture.call(client, .post, "/api/v1/campaigns/\(objects.campaigns[2])/pause", tenant: 1, user: 10)
        #expect(paused.status == 200)
        let template = try await APIFixture.call(
            client, .post, "/api/v1/templates", tenant: 1, user: 10,
            body: #"{"channel":"sms","name":"Tenant one only","body":"Secret offer {customer_first_name}"}"#)
        objects.template = try #require(template.json?["id"]?.integerValue)
        let templates = try await APIFixture.call(client, .get, "/api/v1/templates?channel=sms", tenant: 1, user: 10)
        objects.builtinTemplate = try #require(
            templates.json?["items"]?.arrayValue?.first { $0["is_builtin"]?.boolValue == true || $0["builtin"]?.boolValue == true }?["id"]?
                .integerValue
                ?? templates.json?["items"]?.arrayValue?.first { $0["id"]?.integerValue != objects.template }?["id"]?.integerValue)
        let suppression = try await APIFixture.call(
            client, .post, "/api/v1/suppressions", tenant: 1, user: 10,
            body: #"{"channel":"sms","address":"+447700910099","reason":"asked by phone"}"#)
        objects.suppression = try #require(suppression.json?["id"]?.integerValue)
        let audience = try await APIFixture.call(
            client, .post, "/api/v1/audiences", tenant: 1, user: 10,
            body: #"{"channel":"sms","name":"Tenant one audience","segment":{"type":"lapsed","days":90}}"#)
        objects.audience = try #require(audience.json?["id"]?.integerValue)
        let broadcast = try await APIFixture.call(client, .post, "/api/v1/broadcasts", tenant: 1, user: 10, body: Self.broadcastBody("Secret offer"))
        objects.broadcast = try #require(broadcast.json?["id"]?.integerValue)
        #expect(
            try await APIFixture.call(
                client, .put, "/api/v1/settings", tenant: 1, user: 10, body: #"{"channel":"sms","rate_limit":2,"attribution_days":14}"#
            ).status == 200)
        return objects
    }

    /// A broadcast over SMS and email (DESIGN §14).
    static func broadcastBody(_ text: String) -> String {
        #"{"name":"\#(text)","channels":["sms","email"],"mode":"first","segment":{"type":"all_customers"},"content":{"sms":{"body":"\#(text)"},"email":{"subject":"S","body":"\#(text)"}}}"#
    }

    static func body(for operation: Operation) -> String {
        switch (operation.method, operation.path) {
        case (.put, "/api/v1/broadcasts/{id}"):
            broadcastBody("Taken over")
        case (.put, "/api/v1/campaigns/{id}"):
            #"{"channel":"sms","name":"Taken over","segment":{"type":"all_customers"},"body":"Pwned"}"#
        case (.put, "/api/v1/templates/{id}"):
            #"{"channel":"sms","name":"Taken over","body":"Pwned"}"#
        case (.put, "/api/v1/audiences/{id}"):
            #"{"channel":"sms","name":"Taken over","segment":{"type":"all_customers"}}"#
        default: ""
        }
    }

    static func ids(for path: String, _ objects: Objects) -> [Int] {
        if path.hasPrefix("/api/v1/campaigns/") { return objects.campaigns }
        if path.hasPrefix("/api/v1/templates/") { return [objects.template] }
        if path.hasPrefix("/api/v1/suppressions/") { return [objects.suppression] }
        if path.hasPrefix("/api/v1/audiences/") { return [objects.audience] }
        if path.hasPrefix("/api/v1/broadcasts/") { return [objects.broadcast] }
        return [objects.customer]
    }

    @Test func everyRouteWithAnIDAnswers404AndLeavesNoTrace() async throws {
        let operations = try Self.operationsWithIDs()
        #expect(operations.count >= 17, "\(operations)")
        #expect(operations.contains(Operation(method: .delete, path: "/api/v1/campaigns/{id}")))
        try await TwoTenantFixture.live("cross_tenant") { pool, client in
            let objects = try await Self.prepareTenantOne(client)
            let before = try await TwoTenantFixture.snapshot(pool, tenant: 1)
            let builtinsBefore = try await Self.builtins(pool)
            #expect(before["campaign_logs"]?.isEmpty == false && before["campaign_settings"]?.isEmpty == false)
            let launch = APIFixture.launchToken(tenant: TwoTenantFixture.otherTenant, user: TwoTenantFixture.otherOwner)
            let session = try await client.execute(
                uri: "/api/v1/sessions", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"launch_token":"\#(launch)"}"#)
            ) { try JSONDecoder().decode(JSONValue.self, from: Data($0.body.readableBytesView)) }["session_token"]?.stringValue
            let bearer = try #require(session)

            var calls = 0
            for operation in operations {
                for id in Self.ids(for: operation.path, objects) {
                    let path = operation.path.replacingOccurrences(of: "{id}", with: String(id))
                    let body = Self.body(for: operation)
                    for caller in ["owner", "admin", "session"] {
                        let query = operation.path.hasPrefix("/api/v1/customers/") ? "?channel=sms&c=\(caller)" : "?c=\(caller)"
                        let (status, text) = try await Self.call(client, operation.method, path + query, body: body, caller: caller, bearer: bearer)
                        calls += 1
                        #expect(status == 404, "\(operation) on tenant 1's \(id) as \(caller): \(status) \(text)")
                        for secret in ["Tenant one", "Secret offer", "+447700910099", "c1.t1@example.com", "+4477009100"] {
                            #expect(!text.contains(secret), "\(operation) as \(caller) revealed \(secret): \(text)")
                        }
                    }
                }
            }
            #expect(calls >= operations.count * 3)
            // Routes without an id that could reach tenant 1's rows through a body or a query.
            let leading: [(HTTPRequest.Method, String, String)] = [
                (
                    .post, "/api/v1/campaigns",
                    #"{"channel":"sms","name":"Borrow","segment":{"type":"all_customers"},"body":"x","template_id":\#(objects.template)}"#
                ),
                (.post, "/api/v1/manual-send", #"{"channel":"sms","body":"Hi {customer_first_name}","customer_ids":[1,2,3,4,5,6]}"#),
                (.get, "/api/v1/customers?q=T1", ""), (.get, "/api/v1/customers?q=c1.t1", ""),
                (.get, "/api/v1/suppressions?channel=sms&q=910099", ""), (.get, "/api/v1/templates?channel=sms&q=Tenant", ""),
                (.get, "/api/v1/campaigns?channel=sms&q=Tenant", ""), (.get, "/api/v1/campaigns?channel=whatsapp", ""),
                (.get, "/api/v1/dashboard?channel=sms", ""), (.get, "/api/v1/settings?channel=sms", ""),
                (.put, "/api/v1/settings", #"{"channel":"sms","rate_limit":null,"attribution_days":null}"#),
                (.delete, "/api/v1/suppressions/\(objects.suppression)", ""),
            ]
            for (method, path, body) in leading {
                let (status, text) = try await Self.call(client, method, path, body: body, caller: "owner", bearer: bearer)
                #expect(status < 500, "\(method) \(path): \(status) \(text)")
                for secret in ["Tenant one", "Secret offer", "+447700910099", "c1.t1@example.com", "Cus1\",\"last_name\":\"T1"] {
                    #expect(!text.contains(secret), "\(method) \(path) revealed \(secret): \(text)")
                }
                if path == "/api/v1/manual-send" {
                    #expect(
                        status == 400
                            || status == 202 && (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))?["queued"]?.integerValue == 0,
                        "\(text)")
                }
                if path == "/api/v1/campaigns" { #expect(status == 400, "another tenant's template: \(text)") }
            }
            #expect(try await TwoTenantFixture.snapshot(pool, tenant: 1) == before, "tenant 1's rows changed")
            #expect(try await Self.builtins(pool) == builtinsBefore, "the shared built-in templates changed")
            // The sanity check: tenant 1's owner can still do what tenant 5 could not.
            let own = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(objects.campaigns[0])/logs", tenant: 1, user: 10)
            #expect(own.status == 200 && own.json?["items"]?.arrayValue?.isEmpty == false)
            // And the snapshot sees a change when there is one.
            _ = try await APIFixture.call(client, .put, "/api/v1/settings", tenant: 1, user: 10, body: #"{"channel":"sms","rate_limit":5}"#)
            #expect(try await TwoTenantFixture.snapshot(pool, tenant: 1) != before, "the snapshot must notice a change")
        }
    }

    static func builtins(_ pool: MariaDBPool) async throws -> [String] {
        try await pool.withConnection { db in
            try await db.query("SELECT * FROM wpa_bkntc_campaign_templates WHERE is_builtin = 1 ORDER BY id").map { String(describing: $0.values) }
        }
    }

    static func call(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, body: String, caller: String, bearer: String
    ) async throws -> (Int, String) {
        var headers: HTTPFields
        switch caller {
        case "admin": headers = APIFixture.signed(method, path, tenant: TwoTenantFixture.otherTenant, user: 1, body: body)
        case "session":
            headers = [.authorization: "Bearer \(bearer)"]
            if !body.isEmpty { headers[.contentType] = "application/json" }
        default: headers = APIFixture.signed(method, path, tenant: TwoTenantFixture.otherTenant, user: TwoTenantFixture.otherOwner, body: body)
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.isEmpty ? nil : ByteBuffer(string: body)) {
            (Int($0.status.code), String(buffer: $0.body))
        }
    }
}
