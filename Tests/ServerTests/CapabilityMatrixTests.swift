import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Server
import TestSupport
import Testing

/// Every declared route × identities × own/other tenant, asserting the exact status.
@Suite("Capability matrix over HTTP", .serialized)
struct CapabilityMatrixTests {
    struct Actor: CustomStringConvertible {
        let name: String
        let user: Int
        let tenant: Int
        /// Capabilities (for sms) this actor has in its tenant; nil = tenant gate closed for sms.
        let sms: Set<Capability>?
        var description: String { "\(name)@t\(tenant)" }
    }

    static let everything = Set(Capability.allCases)
    static let actors: [Actor] = [
        Actor(name: "admin", user: 1, tenant: 1, sms: everything),
        Actor(name: "owner", user: 10, tenant: 1, sms: everything),
        Actor(name: "marketing staff", user: 30, tenant: 1, sms: [.read, .create, .send, .logs, .templates, .suppressions]),
        Actor(name: "staff without role", user: 31, tenant: 1, sms: []),
        Actor(name: "customer", user: 40, tenant: 1, sms: []),
        Actor(name: "stranger", user: 50, tenant: 1, sms: []),
        Actor(name: "malformed roles", user: 60, tenant: 1, sms: []),
        Actor(name: "other tenant owner", user: 20, tenant: 2, sms: nil),
        Actor(name: "expired tenant owner", user: 70, tenant: 3, sms: nil),
        Actor(name: "tenant without plan", user: 80, tenant: 4, sms: nil),
    ]

    struct RouteCase {
        let method: HTTPRequest.Method
        let path: String  // as declared, with :id
        let capability: Capability
        /// Whether the path names an object of tenant 1 (another tenant gets 404).
        let object: Bool
        let success: Int
        var body: String = ""
        var query: String = ""
        /// Campaign state to prepare (as admin) before the call.
        var prepare: [String] = []
    }

    static let sms = #"{"channel":"sms","name":"Matrix","segment":{"type":"all_customers"},"body":"Hi {customer_first_name}"}"#
    static let routes: [RouteCase] = [
        RouteCase(method: .get, path: "/api/v1/segments", capability: .read, object: false, success: 200),
        RouteCase(method: .post, path: "/api/v1/segments/preview", capability: .read, object: false, success: 200,
                  body: #"{"channel":"sms","segment":{"type":"all_customers"}}"#),
        RouteCase(method: .get, path: "/api/v1/templates", capability: .templates, object: false, success: 200, query: "?channel=sms"),
        RouteCase(method: .post, path: "/api/v1/templates", capability: .templates, object: false, success: 201,
                  body: #"{"channel":"sms","name":"T-NAME","body":"Hello"}"#),
        RouteCase(method: .put, path: "/api/v1/templates/:id", capability: .templates, object: true, success: 200,
                  body: #"{"channel":"sms","name":"T-NAME","body":"Hello again"}"#),
        RouteCase(method: .delete, path: "/api/v1/templates/:id", capability: .templates, object: true, success: 204),
        RouteCase(method: .get, path: "/api/v1/suppressions", capability: .suppressions, object: false, success: 200, query: "?channel=sms"),
        RouteCase(method: .post, path: "/api/v1/suppressions", capability: .suppressions, object: false, success: 201,
                  body: #"{"channel":"sms","address":"ADDRESS"}"#),
        RouteCase(method: .delete, path: "/api/v1/suppressions/:id", capability: .suppressions, object: true, success: 204),
        RouteCase(method: .get, path: "/api/v1/campaigns", capability: .read, object: false, success: 200, query: "?channel=sms"),
        RouteCase(method: .post, path: "/api/v1/campaigns", capability: .create, object: false, success: 201, body: sms),
        RouteCase(method: .get, path: "/api/v1/campaigns/:id", capability: .read, object: true, success: 200),
        RouteCase(method: .put, path: "/api/v1/campaigns/:id", capability: .create, object: true, success: 200, body: sms),
        RouteCase(method: .delete, path: "/api/v1/campaigns/:id", capability: .delete, object: true, success: 204),
        RouteCase(method: .post, path: "/api/v1/campaigns/:id/send", capability: .send, object: true, success: 200),
        RouteCase(method: .post, path: "/api/v1/campaigns/:id/pause", capability: .send, object: true, success: 200, prepare: ["send"]),
        RouteCase(method: .post, path: "/api/v1/campaigns/:id/resume", capability: .send, object: true, success: 200, prepare: ["send", "pause"]),
        RouteCase(method: .post, path: "/api/v1/campaigns/:id/cancel", capability: .send, object: true, success: 200, prepare: ["send"]),
        RouteCase(method: .post, path: "/api/v1/campaigns/:id/duplicate", capability: .create, object: true, success: 201),
        RouteCase(method: .get, path: "/api/v1/campaigns/:id/progress", capability: .read, object: true, success: 200, prepare: ["send"]),
        RouteCase(method: .get, path: "/api/v1/campaigns/:id/logs", capability: .logs, object: true, success: 200, prepare: ["send"]),
        RouteCase(method: .get, path: "/api/v1/campaigns/:id/logs.csv", capability: .logs, object: true, success: 200, prepare: ["send"]),
        RouteCase(method: .get, path: "/api/v1/campaigns/:id/preview-messages", capability: .read, object: true, success: 200),
    ]

    @Test func everyDeclaredCapabilityRouteIsInTheMatrix() throws {
        let deps = AppDependencies.live(
            config: ServiceConfiguration(database: try TestDatabase.configuration(database: "unused"), secret: APIFixture.secret),
            pool: .init(configuration: try TestDatabase.configuration(database: "unused"), logger: TestDatabase.logger), saas: true)
        let declared = buildRouter(deps).routes
        for declaration in declared {
            switch declaration.access {
            case .capability(let capability):
                let entry = Self.routes.first { $0.method.rawValue == declaration.method && $0.path == declaration.path }
                #expect(entry != nil, "\(declaration.method) \(declaration.path) has no matrix entry")
                #expect(entry?.capability == capability, "\(declaration.path) declares \(capability)")
            case .open, .system, .authenticated:
                #expect(["/health", "/ready", "/metrics", "/openapi.yaml", "/api/v1/sessions", "/api/v1/sessions/current"].contains(declaration.path), "\(declaration.path)")
            }
        }
        #expect(declared.filter { if case .capability = $0.access { true } else { false } }.count == Self.routes.count)
    }

    @Test func statusesAreExactlyAsSpecified() async throws {
        try await APIFixture.live("matrix") { pool, client in
            var checked = 0
            var counter = 0
            for route in Self.routes {
                for actor in Self.actors {
                    counter += 1
                    // Fresh objects of tenant 1, created by the administrator.
                    let path = try await Self.materialize(route, client: client, counter: counter)
                    let body = route.body.replacingOccurrences(of: "T-NAME", with: "T\(counter)")
                        .replacingOccurrences(of: "\"Matrix\"", with: "\"Matrix \(counter)\"")
                        .replacingOccurrences(of: "ADDRESS", with: "+4477009\(String(format: "%05d", counter))")
                    let result = try await APIFixture.call(client, route.method, path, tenant: actor.tenant, user: actor.user, body: body)
                    let expected: Int
                    if route.path == "/api/v1/segments" {
                        // Not tied to a channel: allowed when the actor may read any channel.
                        expected = [1, 10, 30, 20, 70].contains(actor.user) ? 200 : 403
                    } else if route.object && actor.tenant != 1 {
                        expected = 404
                    } else if let granted = actor.sms, granted.contains(route.capability) {
                        expected = route.success
                    } else {
                        expected = 403
                    }
                    #expect(result.status == expected, "\(route.method) \(path) as \(actor): \(result.json.map { "\($0)" } ?? "")")
                    if expected == 403 {
                        let code = result.json?["error"]?["code"]?.stringValue
                        let gated = actor.sms == nil && (route.path != "/api/v1/segments" || actor.user == 80)
                        #expect(code == (gated ? "tenant_gate" : "capability"), "\(route.path) as \(actor)")
                    }
                    checked += 1
                }
            }
            #expect(checked == Self.routes.count * Self.actors.count)
        }
    }

    /// Creates the object a route needs (as admin in tenant 1) and returns the concrete path.
    static func materialize(_ route: RouteCase, client: any TestClientProtocol, counter: Int) async throws -> String {
        guard route.path.contains(":id") else { return route.path + route.query }
        let id: Int
        if route.path.hasPrefix("/api/v1/templates") {
            let created = try await APIFixture.call(
                client, .post, "/api/v1/templates", tenant: 1, user: 1,
                body: #"{"channel":"sms","name":"Own \#(counter)","body":"Hi"}"#)
            id = try #require(created.json?["id"]?.integerValue)
        } else if route.path.hasPrefix("/api/v1/suppressions") {
            let created = try await APIFixture.call(
                client, .post, "/api/v1/suppressions", tenant: 1, user: 1,
                body: #"{"channel":"sms","address":"+4477008\#(String(format: "%05d", counter))"}"#)
            id = try #require(created.json?["id"]?.integerValue)
        } else {
            // Each body differs, so no two requests share a signature (that would be a replay).
            let created = try await APIFixture.call(
                client, .post, "/api/v1/campaigns", tenant: 1, user: 1, body: sms.replacingOccurrences(of: "Matrix", with: "Matrix \(counter)"))
            id = try #require(created.json?["id"]?.integerValue)
            for step in route.prepare {
                let result = try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/\(step)", tenant: 1, user: 1)
                #expect(result.status == 200, "prepare \(step)")
            }
        }
        return route.path.replacingOccurrences(of: ":id", with: String(id)) + route.query
    }
}
