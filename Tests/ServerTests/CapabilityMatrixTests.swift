import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Server
import TestSupport
import Testing

/// Every declared route × every channel × identities (some holding only part of a channel's
/// capabilities) × own/other tenant, asserting the exact status and refusal code. A handler
/// that checks the wrong capability, or a hard-coded channel, fails it.
@Suite("Capability matrix over HTTP", .serialized)
struct CapabilityMatrixTests {
    struct Actor: CustomStringConvertible {
        let name: String
        let user: Int
        let tenant: Int
        /// What the role grants per channel.
        let granted: [Channel: Set<Capability>]
        /// Channels the tenant's plan allows.
        let gate: Set<Channel>
        var description: String { "\(name)@t\(tenant)" }

        func allows(_ capability: Capability, on channel: Channel) -> Bool {
            gate.contains(channel) && granted[channel, default: []].contains(capability)
        }
    }

    static let everything = Set(Capability.allCases)
    static let all = Set(Channel.allCases)
    static let full: [Channel: Set<Capability>] = [.sms: everything, .whatsapp: everything, .email: everything]
    static let actors: [Actor] = [
        Actor(name: "admin", user: 1, tenant: 1, granted: full, gate: all),
        Actor(name: "owner", user: 10, tenant: 1, granted: full, gate: all),
        Actor(name: "marketing staff", user: 30, tenant: 1, granted: [.sms: [.read, .create, .send, .logs, .templates, .suppressions]], gate: all),
        Actor(name: "email sender", user: 32, tenant: 1, granted: [.email: [.read, .send]], gate: all),
        Actor(name: "whatsapp editor", user: 33, tenant: 1, granted: [.whatsapp: [.read, .create, .templates], .sms: [.logs]], gate: all),
        Actor(name: "staff without role", user: 31, tenant: 1, granted: [:], gate: all),
        Actor(name: "customer", user: 40, tenant: 1, granted: [:], gate: all),
        Actor(name: "stranger", user: 50, tenant: 1, granted: [:], gate: all),
        Actor(name: "malformed roles", user: 60, tenant: 1, granted: [:], gate: all),
        Actor(name: "other tenant owner", user: 20, tenant: 2, granted: full, gate: [.email]),
        Actor(name: "expired tenant owner", user: 70, tenant: 3, granted: full, gate: [.email]),
        Actor(name: "tenant without plan", user: 80, tenant: 4, granted: full, gate: []),
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
        /// Whether the route is tied to a channel (all but the segment list).
        var perChannel = true
        /// The one channel the route belongs to (WhatsApp templates), if it is tied to one.
        var only: Channel? = nil
        /// Whether the capability is needed on every channel of the tenant's plan (erasure).
        var everyPlanChannel = false
        /// A broadcast of the channel and its ``CapabilityMatrixTests/partner(_:)``: the
        /// capability is needed on both (DESIGN §14).
        var broadcast = false

        /// Whether the matrix checks the route on `channel`.
        func isChecked(on channel: Channel) -> Bool {
            perChannel ? (only == nil || only == channel) : channel == .sms
        }
    }

    /// A campaign body for a channel (email needs a subject).
    static func campaign(_ channel: Channel, name: String = "Matrix") -> String {
        let subject = channel == .email ? #","subject":"Hello""# : ""
        return
            #"{"channel":"\#(channel.rawValue)","name":"\#(name)","segment":{"type":"all_customers"},"body":"Hi {customer_first_name}"\#(subject)}"#
    }

    static func address(_ channel: Channel, _ n: Int, _ series: Int) -> String {
        channel == .email ? "m\(series)-\(n)@example.com" : "+44770\(series)\(String(format: "%05d", n))"
    }

    static let routes: [RouteCase] = [
        RouteCase(method: .get, path: "/api/v1/segments", capability: .read, object: false, success: 200, perChannel: false),
        RouteCase(
            method: .post, path: "/api/v1/segments/preview", capability: .read, object: false, success: 200,
            body: #"{"channel":"CHANNEL","segment":{"type":"all_customers"}}"#),
        RouteCase(method: .get, path: "/api/v1/templates", capability: .templates, object: false, success: 200, query: "?channel=CHANNEL"),
        RouteCase(
            method: .post, path: "/api/v1/templates", capability: .templates, object: false, success: 201,
            body: #"{"channel":"CHANNEL","name":"T-NAME","body":"Hello","subject":"S"}"#),
        RouteCase(
            method: .put, path: "/api/v1/templates/:id", capability: .templates, object: true, success: 200,
            body: #"{"channel":"CHANNEL","name":"T-NAME","body":"Hello again","subject":"S"}"#),
        RouteCase(method: .delete, path: "/api/v1/templates/:id", capability: .templates, object: true, success: 204),
        RouteCase(method: .get, path: "/api/v1/audiences", capability: .read, object: false, success: 200, query: "?channel=CHANNEL"),
        RouteCase(
            method: .post, path: "/api/v1/audiences", capability: .create, object: false, success: 201,
            body: #"{"channel":"CHANNEL","name":"T-NAME","segment":{"type":"all_customers"}}"#),
        RouteCase(method: .get, path: "/api/v1/audiences/:id", capability: .read, object: true, success: 200),
        RouteCase(
            method: .put, path: "/api/v1/audiences/:id", capability: .create, object: true, success: 200,
            body: #"{"channel":"CHANNEL","name":"T-NAME","segment":{"type":"repeat"}}"#),
        RouteCase(method: .delete, path: "/api/v1/audiences/:id", capability: .create, object: true, success: 204),
        RouteCase(method: .post, path: "/api/v1/audiences/:id/preview", capability: .read, object: true, success: 200),
        RouteCase(method: .get, path: "/api/v1/suppressions", capability: .suppressions, object: false, success: 200, query: "?channel=CHANNEL"),
        RouteCase(
            method: .post, path: "/api/v1/suppressions", capability: .suppressions, object: false, success: 201,
            body: #"{"channel":"CHANNEL","address":"ADDRESS"}"#),
        RouteCase(method: .delete, path: "/api/v1/suppressions/:id", capability: .suppressions, object: true, success: 204),
        RouteCase(method: .get, path: "/api/v1/campaigns", capability: .read, object: false, success: 200, query: "?channel=CHANNEL"),
        RouteCase(method: .post, path: "/api/v1/campaigns", capability: .create, object: false, success: 201, body: "CAMPAIGN"),
        RouteCase(method: .get, path: "/api/v1/campaigns/:id", capability: .read, object: true, success: 200),
        RouteCase(method: .put, path: "/api/v1/campaigns/:id", capability: .create, object: true, success: 200, body: "CAMPAIGN"),
        RouteCase(method: .delete, path: "/api/v1/campaigns/:id", capability: .delete, object: true, success: 204),
        RouteCase(method: .post, path: "/api/v1/campaigns/:id/send", capability: .send, object: true, success: 200),
        RouteCase(method: .post, path: "/api/v1/campaigns/:id/pause", capability: .send, object: true, success: 200, prepare: ["send"]),
        RouteCase(method: .post, path: "/api/v1/campaigns/:id/resume", capability: .send, object: true, success: 200, prepare: ["send", "pause"]),
        RouteCase(method: .post, path: "/api/v1/campaigns/:id/cancel", capability: .send, object: true, success: 200, prepare: ["send"]),
        RouteCase(method: .post, path: "/api/v1/campaigns/:id/duplicate", capability: .create, object: true, success: 201),
        RouteCase(method: .get, path: "/api/v1/campaigns/:id/progress", capability: .read, object: true, success: 200, prepare: ["send"]),
        // Cancelled, so the stream answers progress and done and closes (a live one stays open).
        RouteCase(method: .get, path: "/api/v1/campaigns/:id/events", capability: .read, object: true, success: 200, prepare: ["send", "cancel"]),
        RouteCase(method: .get, path: "/api/v1/campaigns/:id/logs", capability: .logs, object: true, success: 200, prepare: ["send"]),
        RouteCase(method: .get, path: "/api/v1/campaigns/:id/logs.csv", capability: .logs, object: true, success: 200, prepare: ["send"]),
        RouteCase(method: .get, path: "/api/v1/campaigns/:id/results", capability: .logs, object: true, success: 200, prepare: ["send"]),
        RouteCase(method: .get, path: "/api/v1/campaigns/:id/preview-messages", capability: .read, object: true, success: 200),
        RouteCase(method: .get, path: "/api/v1/broadcasts", capability: .read, object: false, success: 200, perChannel: false),
        RouteCase(method: .post, path: "/api/v1/broadcasts", capability: .create, object: false, success: 201, body: "BROADCAST", broadcast: true),
        RouteCase(method: .get, path: "/api/v1/broadcasts/:id", capability: .read, object: true, success: 200, broadcast: true),
        RouteCase(method: .put, path: "/api/v1/broadcasts/:id", capability: .create, object: true, success: 200, body: "BROADCAST", broadcast: true),
        RouteCase(method: .delete, path: "/api/v1/broadcasts/:id", capability: .delete, object: true, success: 204, broadcast: true),
        RouteCase(method: .post, path: "/api/v1/broadcasts/:id/send", capability: .send, object: true, success: 200, broadcast: true),
        RouteCase(
            method: .post, path: "/api/v1/broadcasts/:id/pause", capability: .send, object: true, success: 200, prepare: ["send"], broadcast: true),
        RouteCase(
            method: .post, path: "/api/v1/broadcasts/:id/resume", capability: .send, object: true, success: 200, prepare: ["send", "pause"],
            broadcast: true),
        RouteCase(
            method: .post, path: "/api/v1/broadcasts/:id/cancel", capability: .send, object: true, success: 200, prepare: ["send"], broadcast: true),
        RouteCase(method: .post, path: "/api/v1/broadcasts/:id/duplicate", capability: .create, object: true, success: 201, broadcast: true),
        RouteCase(
            method: .get, path: "/api/v1/broadcasts/:id/progress", capability: .read, object: true, success: 200, prepare: ["send"], broadcast: true),
        RouteCase(
            method: .get, path: "/api/v1/broadcasts/:id/results", capability: .logs, object: true, success: 200, prepare: ["send"], broadcast: true),
        RouteCase(method: .get, path: "/api/v1/dashboard", capability: .read, object: false, success: 200, query: "?channel=CHANNEL"),
        RouteCase(method: .get, path: "/api/v1/customers/:id/messages", capability: .logs, object: true, success: 200, query: "?channel=CHANNEL"),
        RouteCase(method: .get, path: "/api/v1/settings", capability: .read, object: false, success: 200, query: "?channel=CHANNEL"),
        RouteCase(
            method: .put, path: "/api/v1/settings", capability: .send, object: false, success: 200,
            body: #"{"channel":"CHANNEL","attribution_days":10}"#),
        // No provider is configured in the matrix database: an allowed test send answers 409.
        RouteCase(
            method: .post, path: "/api/v1/test-send", capability: .send, object: false, success: 409,
            body: #"{"channel":"CHANNEL","to":"ADDRESS","body":"Hi","subject":"Hi"}"#),
        RouteCase(
            method: .post, path: "/api/v1/manual-send", capability: .send, object: false, success: 202,
            body: #"{"channel":"CHANNEL","addresses":"ADDRESS","body":"Hi","subject":"Hi"}"#),
        RouteCase(method: .get, path: "/api/v1/services", capability: .read, object: false, success: 200, perChannel: false),
        RouteCase(method: .get, path: "/api/v1/locations", capability: .read, object: false, success: 200, perChannel: false),
        RouteCase(method: .get, path: "/api/v1/customers", capability: .read, object: false, success: 200, query: "?q=a", perChannel: false),
        RouteCase(method: .get, path: "/api/v1/audit", capability: .logs, object: false, success: 200, query: "?channel=CHANNEL"),
        RouteCase(method: .get, path: "/api/v1/whatsapp-templates", capability: .read, object: false, success: 200, only: .whatsapp),
        RouteCase(
            method: .post, path: "/api/v1/customers/:id/erase", capability: .logs, object: true, success: 200, perChannel: false,
            everyPlanChannel: true),
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
                #expect(
                    [
                        "/health", "/ready", "/metrics", "/openapi.yaml", "/api/v1/sessions", "/api/v1/sessions/current", "/api/v1/cron/tick",
                        "/api/v1/me", "/webhooks/twilio/status", "/webhooks/twilio/inbound", "/unsubscribe/:token", "/admin/", "/r/:code",
                        "/t/o/:token",
                    ].contains(declaration.path), "\(declaration.path)")
            }
        }
        #expect(declared.filter { if case .capability = $0.access { true } else { false } }.count == Self.routes.count)
    }

    /// The status (and 403 code) the contract gives `actor` for `route` on `channel`.
    static func expected(_ route: RouteCase, _ channel: Channel, _ actor: Actor) -> (status: Int, code: String?) {
        if route.everyPlanChannel {
            // Every channel of the plan, checked before the object is looked up.
            if actor.gate.isEmpty { return (403, "tenant_gate") }
            if !Channel.allCases.contains(where: { actor.allows(route.capability, on: $0) }) { return (403, "capability") }
            if !actor.gate.allSatisfy({ actor.allows(route.capability, on: $0) }) { return (403, "capability") }
            return actor.tenant == 1 ? (route.success, nil) : (404, nil)
        }
        if route.broadcast {
            // The broadcast is looked up first; then the capability on each channel in order.
            if route.object && actor.tenant != 1 { return (404, nil) }
            for each in [channel, partner(channel)] where !actor.allows(route.capability, on: each) {
                return (403, actor.gate.contains(each) ? "capability" : "tenant_gate")
            }
            return (route.success, nil)
        }
        if !route.perChannel {
            // Not tied to a channel: allowed when the actor may read any channel.
            if Channel.allCases.contains(where: { actor.allows(.read, on: $0) }) { return (route.success, nil) }
            return (403, actor.gate.isEmpty ? "tenant_gate" : "capability")
        }
        if route.object && actor.tenant != 1 {
            // A campaign is looked up before its channel is known. A customer's history takes its
            // channel from the query, whose gate and capability are checked first.
            if !route.path.hasPrefix("/api/v1/customers/") || actor.allows(route.capability, on: channel) { return (404, nil) }
        }
        if actor.allows(route.capability, on: channel) { return (route.success, nil) }
        return (403, actor.gate.contains(channel) ? "capability" : "tenant_gate")
    }

    @Test(arguments: Channel.allCases)
    func statusesAreExactlyAsSpecified(channel: Channel) async throws {
        try await APIFixture.live("matrix_\(channel.rawValue)") { pool, client in
            var checked = 0
            var counter = 0
            var outcomes: Set<Int> = []
            for route in Self.routes where route.isChecked(on: channel) {
                for actor in Self.actors {
                    counter += 1
                    // Fresh objects of tenant 1, created by the administrator.
                    let path = try await Self.materialize(route, channel: channel, client: client, counter: counter)
                    let body = route.body.replacingOccurrences(of: "CAMPAIGN", with: Self.campaign(channel, name: "Matrix \(counter)"))
                        .replacingOccurrences(of: "BROADCAST", with: Self.broadcast(channel, name: "Matrix \(counter)"))
                        .replacingOccurrences(of: "CHANNEL", with: channel.rawValue)
                        .replacingOccurrences(of: "T-NAME", with: "T\(counter)")
                        .replacingOccurrences(of: "ADDRESS", with: Self.address(channel, counter, 9))
                    let result = try await APIFixture.call(client, route.method, path, tenant: actor.tenant, user: actor.user, body: body)
                    let expected = Self.expected(route, channel, actor)
                    #expect(result.status == expected.status, "\(route.method) \(path) as \(actor): \(result.json.map { "\($0)" } ?? "")")
                    if let code = expected.code {
                        #expect(result.json?["error"]?["code"]?.stringValue == code, "\(route.method) \(route.path) on \(channel) as \(actor)")
                    }
                    if expected.status == route.success, route.object, let returned = result.json?["channel"]?.stringValue {
                        #expect(returned == channel.rawValue, "\(route.path) answered another channel")
                    }
                    outcomes.insert(result.status)
                    checked += 1
                }
            }
            #expect(checked == Self.routes.filter { $0.isChecked(on: channel) }.count * Self.actors.count)
            #expect(outcomes.isSuperset(of: [200, 403, 404]))
        }
    }

    /// Creates the object a route needs (as admin in tenant 1) and returns the concrete path.
    static func materialize(_ route: RouteCase, channel: Channel, client: any TestClientProtocol, counter: Int) async throws -> String {
        let query = route.query.replacingOccurrences(of: "CHANNEL", with: channel.rawValue)
        guard route.path.contains(":id") else { return route.path + query }
        let id: Int
        if route.path.hasPrefix("/api/v1/customers") {
            id = 1  // a Booknetic customer of tenant 1: another tenant gets 404
        } else if route.path.hasPrefix("/api/v1/templates") {
            let created = try await APIFixture.call(
                client, .post, "/api/v1/templates", tenant: 1, user: 1,
                body: #"{"channel":"\#(channel.rawValue)","name":"Own \#(counter)","body":"Hi","subject":"S"}"#)
            id = try #require(created.json?["id"]?.integerValue)
        } else if route.path.hasPrefix("/api/v1/audiences") {
            let created = try await APIFixture.call(
                client, .post, "/api/v1/audiences", tenant: 1, user: 1,
                body: #"{"channel":"\#(channel.rawValue)","name":"Audience \#(counter)","segment":{"type":"all_customers"}}"#)
            id = try #require(created.json?["id"]?.integerValue)
        } else if route.path.hasPrefix("/api/v1/broadcasts") {
            let created = try await APIFixture.call(
                client, .post, "/api/v1/broadcasts", tenant: 1, user: 1, body: broadcast(channel, name: "Matrix \(counter)"))
            id = try #require(created.json?["id"]?.integerValue)
            for step in route.prepare {
                let result = try await APIFixture.call(client, .post, "/api/v1/broadcasts/\(id)/\(step)", tenant: 1, user: 1)
                #expect(result.status == 200, "prepare \(step)")
            }
        } else if route.path.hasPrefix("/api/v1/suppressions") {
            let created = try await APIFixture.call(
                client, .post, "/api/v1/suppressions", tenant: 1, user: 1,
                body: #"{"channel":"\#(channel.rawValue)","address":"\#(address(channel, counter, 8))"}"#)
            id = try #require(created.json?["id"]?.integerValue)
        } else {
            // Each body differs, so no two requests share a signature (that would be a replay).
            let created = try await APIFixture.call(
                client, .post, "/api/v1/campaigns", tenant: 1, user: 1, body: campaign(channel, name: "Matrix \(counter)"))
            id = try #require(created.json?["id"]?.integerValue)
            for step in route.prepare {
                let result = try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/\(step)", tenant: 1, user: 1)
                #expect(result.status == 200, "prepare \(step)")
            }
        }
        return route.path.replacingOccurrences(of: ":id", with: String(id)) + query
    }
}
