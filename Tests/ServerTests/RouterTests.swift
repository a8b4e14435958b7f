import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MariaDB
import NIOCore
import Server
import TestSupport
import Testing

/// The fast layer: the router with in-memory repositories (no MariaDB), for validation, error
/// mapping, access declarations and streaming.
@Suite("Router with in-memory stores")
struct RouterTests {
    static let admin = 1
    static let smsSender = 2
    static let nobody = 3
    static let recipients = (1...25).map {
        Recipient(customerID: $0, address: String(format: "+4477009%05d", $0), firstName: "Ann \($0)", lastName: "Lee")
    }

    static let users: [Int: CapabilitySet] = [
        admin: .everything(planChannels: nil),
        smsSender: CapabilitySet(granted: ["sms_campaigns", "sms_campaigns_send", "email_campaigns"], planChannels: nil),
    ]

    /// The in-memory service with these users and recipients.
    static func dependencies(
        clock: ManualClock = ManualClock(Date()), campaigns: (any CampaignRepository)? = nil,
        audience: (any AudienceRepository)? = nil
    ) -> AppDependencies {
        .inMemory(clock: clock, recipients: recipients, campaigns: campaigns, audience: audience, users: users)
    }

    static func call(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, user: Int = admin, body: String = "",
        clock: ManualClock? = nil
    ) async throws -> (status: Int, json: JSONValue?, headers: HTTPFields) {
        let timestamp = Int((clock?.now() ?? Date()).timeIntervalSince1970)
        return try await client.execute(
            uri: path, method: method, headers: APIFixture.signed(method, path, tenant: nil, user: user, body: body, timestamp: timestamp),
            body: body.isEmpty ? nil : ByteBuffer(string: body)
        ) { response in
            (Int(response.status.code), try? JSONDecoder().decode(JSONValue.self, from: Data(response.body.readableBytesView)), response.headers)
        }
    }

    static func withRouter(_ deps: AppDependencies, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(deps).router)
        try await app.test(.router) { client in try await body(client) }
    }

    @Test func invalidBodiesAreRefusedNamingTheField() async throws {
        try await Self.withRouter(Self.dependencies()) { client in
            let cases: [(String, String)] = [
                (#"{"name":"x","segment":{"type":"all_customers"},"body":"b"}"#, "channel"),
                (#"{"channel":"fax","name":"x","segment":{"type":"all_customers"},"body":"b"}"#, "channel"),
                (#"{"channel":"sms","segment":{"type":"all_customers"},"body":"b"}"#, "name"),
                (#"{"channel":"sms","name":"x","segment":{"type":"nope"},"body":"b"}"#, "segment.type"),
                (#"{"channel":"sms","name":"x","segment":{"type":"lapsed","days":0},"body":"b"}"#, "segment.days"),
                (#"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"filters":{"service_idz":[1]},"body":"b"}"#, "filters.service_idz"),
                (#"{"channel":"email","name":"x","segment":{"type":"all_customers"},"body":"b"}"#, "subject"),
                (#"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"body":"b","recurrence":"61 * * * *"}"#, "recurrence"),
                (#"{"channel":"sms","name":"x","segment":{"type":"all_customers"},"body":"b","scheduled_at":"yesterday"}"#, "scheduled_at"),
            ]
            for (body, field) in cases {
                let result = try await Self.call(client, .post, "/api/v1/campaigns", body: body)
                #expect(result.status == 400, "\(body)")
                #expect(result.json?["error"]?["code"]?.stringValue == "validation_failed")
                #expect(result.json?["error"]?["field"]?.stringValue == field, "\(body)")
            }
            // With a WhatsApp template the body may be empty (DESIGN §7); without one it may not.
            let template =
                #"{"channel":"whatsapp","name":"T","segment":{"type":"all_customers"},"body":"","content_sid":"HX0123","content_variables":{"1":"{customer_first_name}"}}"#
            #expect(try await Self.call(client, .post, "/api/v1/campaigns", body: template).status == 201)
            let bare = #"{"channel":"whatsapp","name":"T","segment":{"type":"all_customers"},"body":""}"#
            #expect(try await Self.call(client, .post, "/api/v1/campaigns", body: bare).json?["error"]?["field"]?.stringValue == "body")
            let notJSON = try await Self.call(client, .post, "/api/v1/campaigns", body: "{not json")
            #expect(notJSON.status == 400 && notJSON.json?["error"]?["code"]?.stringValue == "invalid_json")
        }
    }

    @Test func domainErrorsMapToTheContractsStatuses() async throws {
        try await Self.withRouter(Self.dependencies()) { client in
            let create = #"{"channel":"email","name":"News","subject":"Hi","segment":{"type":"all_customers"},"body":"Hello"}"#
            let created = try await Self.call(client, .post, "/api/v1/campaigns", body: create)
            #expect(created.status == 201)
            let id = try #require(created.json?["id"]?.integerValue)
            // 404 for an object that does not exist.
            #expect(try await Self.call(client, .get, "/api/v1/campaigns/\(id + 100)").status == 404)
            // 403 capability: the SMS sender may read email campaigns but not send them.
            #expect(try await Self.call(client, .get, "/api/v1/campaigns/\(id)", user: Self.smsSender).status == 200)
            let refused = try await Self.call(client, .post, "/api/v1/campaigns/\(id)/send", user: Self.smsSender)
            #expect(refused.status == 403 && refused.json?["error"]?["code"]?.stringValue == "capability")
            // Anyone without capabilities: 403; no credentials: 401.
            #expect(try await Self.call(client, .get, "/api/v1/campaigns", user: Self.nobody).status == 403)
            #expect(try await client.execute(uri: "/api/v1/campaigns", method: .get) { Int($0.status.code) } == 401)
            // 409 from the lifecycle, with its code.
            let sent = try await Self.call(client, .post, "/api/v1/campaigns/\(id)/send")
            #expect(sent.status == 200 && sent.json?["status"]?.stringValue == "queued")
            #expect(sent.json?["counters"]?["pending"]?.integerValue == Self.recipients.count)
            // (A query string makes the signature differ: the same request twice in a second is a replay.)
            let again = try await Self.call(client, .post, "/api/v1/campaigns/\(id)/send?again=1")
            #expect(again.status == 409 && again.json?["error"]?["code"]?.stringValue == "campaign_already_sent")
            let locked = try await Self.call(client, .delete, "/api/v1/campaigns/\(id)")
            #expect(locked.status == 409 && locked.json?["error"]?["code"]?.stringValue == "campaign_locked")
            let cancelled = try await Self.call(client, .post, "/api/v1/campaigns/\(id)/cancel")
            #expect(cancelled.json?["counters"]?["skipped"]?.integerValue == Self.recipients.count)
            let logs = try await Self.call(client, .get, "/api/v1/campaigns/\(id)/logs?status=nonsense")
            #expect(logs.status == 400 && logs.json?["error"]?["field"]?.stringValue == "status")
        }
    }

    @Test func aBusyDatabaseIsA503WithRetryAfter() async throws {
        struct Busy: AudienceRepository {
            func preview(_ audience: AudienceDefinition, sampleSize: Int) async throws -> AudiencePreview {
                throw MariaDBError.poolExhausted(waitedSeconds: 10)
            }
            func members(_ audience: AudienceDefinition, zones: Bool) async throws -> AudienceMembers {
                throw MariaDBError.poolExhausted(waitedSeconds: 10)
            }
        }
        try await Self.withRouter(Self.dependencies(audience: Busy())) { client in
            let result = try await Self.call(
                client, .post, "/api/v1/segments/preview", body: #"{"channel":"sms","segment":{"type":"all_customers"}}"#)
            #expect(result.status == 503)
            #expect(result.json?["error"]?["code"]?.stringValue == "database_busy")
            #expect(result.headers[.retryAfter] == "1")
        }
    }

    @Test func theInjectedClockDecidesTimeWindows() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_900_000_000))
        try await Self.withRouter(Self.dependencies(clock: clock)) { client in
            // Signed with the service's "now": accepted; the real time is decades away.
            #expect(try await Self.call(client, .get, "/api/v1/campaigns?q=a", clock: clock).status == 200)
            // The signature window is ±300 s of that clock, both ends included.
            let now = Int(clock.now().timeIntervalSince1970)
            for (offset, expected) in [(-301, 401), (-300, 200), (300, 200), (301, 401)] {
                let path = "/api/v1/campaigns?offset=\(offset)"
                let headers = APIFixture.signed(.get, path, tenant: nil, user: Self.admin, timestamp: now + offset)
                #expect(try await client.execute(uri: path, method: .get, headers: headers) { Int($0.status.code) } == expected, "\(offset) s")
            }
            // A schedule must be in the future of the injected clock, not of the machine.
            let soon = ISO8601DateFormatter().string(from: clock.now().addingTimeInterval(3600))
            let body = #"{"channel":"sms","name":"Later","segment":{"type":"all_customers"},"body":"b","scheduled_at":"\#(soon)"}"#
            #expect(try await Self.call(client, .post, "/api/v1/campaigns", body: body, clock: clock).status == 201)
            clock.advance(by: 7200)
            let late = try await Self.call(client, .post, "/api/v1/campaigns", body: body, clock: clock)
            #expect(late.status == 400 && late.json?["error"]?["field"]?.stringValue == "scheduled_at")
        }
    }

    /// DESIGN §21: every POST that creates or sends honours `Idempotency-Key`, and nothing else.
    @Test func everyCreatingOrSendingPostIsIdempotent() {
        let idempotent = Set(buildRouter(Self.dependencies()).routes.filter(\.idempotent).map { "\($0.method) \($0.path)" })
        #expect(
            idempotent == [
                "POST /api/v1/campaigns", "POST /api/v1/campaigns/:id/send", "POST /api/v1/campaigns/:id/duplicate",
                "POST /api/v1/test-send", "POST /api/v1/manual-send", "POST /api/v1/templates", "POST /api/v1/suppressions",
                "POST /api/v1/audiences", "POST /api/v1/broadcasts", "POST /api/v1/broadcasts/:id/send",
                "POST /api/v1/broadcasts/:id/duplicate",
            ])
    }

    @Test func anIdempotencyKeyReplaysTheFirstAnswerInMemory() async throws {
        let clock = ManualClock(Date())
        try await Self.withRouter(Self.dependencies(clock: clock)) { client in
            let body = #"{"channel":"sms","name":"Once","segment":{"type":"all_customers"},"body":"Hi"}"#
            func post(_ body: String, key: String, user: Int = Self.admin, query: String) async throws -> (Int, String, HTTPFields) {
                let path = "/api/v1/campaigns" + query
                var headers = APIFixture.signed(.post, path, tenant: nil, user: user, body: body)
                headers[HTTPField.Name("Idempotency-Key")!] = key
                return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)) {
                    (Int($0.status.code), String(buffer: $0.body), $0.headers)
                }
            }
            let first = try await post(body, key: "click-1", query: "")
            #expect(first.0 == 201 && first.2[HTTPField.Name("Idempotent-Replayed")!] == nil)
            let again = try await post(body, key: "click-1", query: "?again=1")
            #expect(again.0 == 201 && again.1 == first.1 && again.2[HTTPField.Name("Idempotent-Replayed")!] == "true")
            let other = try await post(
                #"{"channel":"sms","name":"Other","segment":{"type":"all_customers"},"body":"Hi"}"#, key: "click-1", query: "?other=1")
            #expect(other.0 == 422 && other.1.contains("idempotency_key_reused"))
            let bad = try await post(body, key: String(repeating: "k", count: 65), query: "?bad=1")
            #expect(bad.0 == 400 && bad.1.contains("invalid_idempotency_key"))
            let list = try await Self.call(client, .get, "/api/v1/campaigns")
            #expect(list.json?["total"]?.integerValue == 1)
        }
    }

    @Test func everyAPIRouteDeclaresItsAccess() {
        let routes = buildRouter(Self.dependencies()).routes
        #expect(routes.filter { if case .capability = $0.access { true } else { false } }.count == CapabilityMatrixTests.routes.count)
        for route in routes where route.path.hasPrefix("/api/v1/") {
            switch route.access {
            case .open: #expect(route.path == "/api/v1/sessions", "\(route.method) \(route.path) is open")
            case .system, .authenticated, .capability: break
            }
        }
    }
}

/// Settings (§10) over HTTP on MariaDB: validation, defaults and sources, reset with null.
@Suite("Settings over HTTP", .serialized)
struct SettingsTests {
    @Test func settingsAreValidatedAndAnswerEffectiveValuesWithTheirSource() async throws {
        try await APIFixture.live("settings") { _, client in
            let defaults = try await APIFixture.call(client, .get, "/api/v1/settings?channel=sms", tenant: 1, user: 1)
            #expect(defaults.status == 200)
            #expect(defaults.json?["quiet_hours"]?["value"]?["start"]?.stringValue == "08:00")
            #expect(defaults.json?["quiet_hours"]?["source"]?.stringValue == "default")
            #expect(defaults.json?["attribution_days"]?["value"]?.integerValue == 7)
            #expect(defaults.json?["frequency_cap"]?["value"] == .null)
            let invalid: [(String, String)] = [
                (#"{"quiet_hours":{"start":"08:00","end":"21:00"}}"#, "channel"),
                (#"{"channel":"sms","quiet_hours":{"start":"8am","end":"21:00"}}"#, "quiet_hours.start"),
                (#"{"channel":"sms","quiet_hours":{"start":"08:00","end":"25:00"}}"#, "quiet_hours.end"),
                (#"{"channel":"sms","quiet_hours":"always"}"#, "quiet_hours"),
                (#"{"channel":"sms","timezone":"Mars/Olympus"}"#, "timezone"),
                (#"{"channel":"sms","frequency_cap":{"max":0,"days":7}}"#, "frequency_cap.max"),
                (#"{"channel":"sms","frequency_cap":{"max":2}}"#, "frequency_cap.days"),
                (#"{"channel":"sms","rate_limit":-1}"#, "rate_limit"),
                (#"{"channel":"sms","attribution_days":1000}"#, "attribution_days"),
            ]
            for (body, field) in invalid {
                let result = try await APIFixture.call(client, .put, "/api/v1/settings", tenant: 1, user: 1, body: body)
                #expect(
                    result.status == 400 && result.json?["error"]?["field"]?.stringValue == field, "\(body): \(result.json.map { "\($0)" } ?? "")")
            }
            let set = try await APIFixture.call(
                client, .put, "/api/v1/settings", tenant: 1, user: 1,
                body:
                    #"{"channel":"sms","quiet_hours":{"start":"22:00","end":"06:00"},"timezone":"Asia/Tokyo","frequency_cap":{"max":2,"days":7},"rate_limit":5,"attribution_days":14}"#
            )
            #expect(set.status == 200)
            #expect(set.json?["quiet_hours"]?["value"]?["start"]?.stringValue == "22:00")
            #expect(set.json?["quiet_hours"]?["source"]?.stringValue == "tenant")
            #expect(set.json?["timezone"]?["value"]?.stringValue == "Asia/Tokyo")
            #expect(set.json?["frequency_cap"]?["value"]?["max"]?.integerValue == 2)
            #expect(set.json?["rate_limit"]?["value"]?.integerValue == 5)
            // Another channel and another tenant keep their own.
            #expect(
                try await APIFixture.call(client, .get, "/api/v1/settings?channel=email", tenant: 1, user: 1)
                    .json?["attribution_days"]?["source"]?.stringValue == "default")
            #expect(
                try await APIFixture.call(client, .get, "/api/v1/settings?channel=email", tenant: 2, user: 20)
                    .json?["rate_limit"]?["source"]?.stringValue == "default")
            // Left out keeps, null resets.
            let reset = try await APIFixture.call(
                client, .put, "/api/v1/settings", tenant: 1, user: 1, body: #"{"channel":"sms","quiet_hours":null,"rate_limit":null}"#)
            #expect(reset.json?["quiet_hours"]?["source"]?.stringValue == "default")
            #expect(reset.json?["rate_limit"]?["value"] == .null)
            #expect(reset.json?["attribution_days"]?["value"]?.integerValue == 14)
            // A staff member without send may read but not change.
            #expect(
                try await APIFixture.call(
                    client, .put, "/api/v1/settings", tenant: 1, user: 33,
                    body: #"{"channel":"whatsapp","attribution_days":3}"#
                ).status == 403)
        }
    }
}
