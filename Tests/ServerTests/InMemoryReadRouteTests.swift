import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Server
import TestSupport
import Testing

/// The routes that read the dashboard, histories, results, settings, the audit trail, Booknetic's
/// directory and the cron tick, on the in-memory stores: each answers from what the stores hold
/// (before, without a database, they answered 503).
@Suite("Reading routes on in-memory stores")
struct InMemoryReadRouteTests {
    static func message(_ channel: Campaigns.Channel, _ address: String, _ status: LogStatus, at: Date, campaign: Int = 1) -> CustomerMessage {
        CustomerMessage(
            campaignID: campaign, campaignName: "Spring", kind: .campaign, channel: channel, address: address, status: status, sentAt: at,
            lastError: status == .failed ? "550" : nil)
    }

    @Test func theDashboardAndACustomersHistoryShowTheTenantsMessages() async throws {
        let stores = InMemoryServiceStores(recipients: RouterTests.recipients)
        let now = stores.clock.now()
        stores.history.add([
            .init(customerID: 7, message: Self.message(.sms, "+447700900007", .delivered, at: now.addingTimeInterval(-3600))),
            .init(customerID: 7, message: Self.message(.email, "ann@example.com", .failed, at: now.addingTimeInterval(-60))),
            .init(scope: .tenant(9), customerID: 7, message: Self.message(.sms, "+447700900007", .sent, at: now)),
        ])
        stores.directory.add([CustomerContact(id: 7, firstName: "Ann", lastName: "Lee", phone: nil, email: nil)])
        try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users)) { client in
            let create = #"{"channel":"sms","name":"Draft","segment":{"type":"all_customers"},"body":"Hi"}"#
            #expect(try await RouterTests.call(client, .post, "/api/v1/campaigns", body: create, clock: stores.clock).status == 201)
            let dashboard = try await RouterTests.call(client, .get, "/api/v1/dashboard", clock: stores.clock)
            #expect(dashboard.status == 200)
            #expect(dashboard.json?["messages"]?["sent"]?.integerValue == 1, "another tenant's message is not counted")
            #expect(dashboard.json?["messages"]?["delivered"]?.integerValue == 1)
            #expect(dashboard.json?["messages"]?["failed"]?.integerValue == 1)
            #expect(dashboard.json?["campaigns"]?["draft"]?.integerValue == 1)
            #expect(dashboard.json?["daily"]?.arrayValue?.count == 30)
            #expect(dashboard.json?["recent"]?.arrayValue?.count == 1)
            let sms = try await RouterTests.call(client, .get, "/api/v1/dashboard?channel=sms", clock: stores.clock)
            #expect(sms.json?["messages"]?["failed"]?.integerValue == 0)
            let fax = try await RouterTests.call(client, .get, "/api/v1/dashboard?channel=fax", clock: stores.clock)
            #expect(fax.status == 400 && fax.json?["error"]?["field"]?.stringValue == "channel")

            let history = try await RouterTests.call(client, .get, "/api/v1/customers/7/messages", clock: stores.clock)
            #expect(history.status == 200 && history.json?["total"]?.integerValue == 2)
            #expect(history.json?["items"]?.arrayValue?.map { $0["channel"]?.stringValue } == ["email", "sms"], "newest first")
            #expect(
                try await RouterTests.call(client, .get, "/api/v1/customers/7/messages?channel=sms", clock: stores.clock).json?["total"]?.integerValue
                    == 1)
            // Not a customer of this tenant and no history: 404; without the logs capability: 403.
            #expect(try await RouterTests.call(client, .get, "/api/v1/customers/99/messages", clock: stores.clock).status == 404)
            let refused = try await RouterTests.call(
                client, .get, "/api/v1/customers/7/messages?sms", user: RouterTests.smsSender, clock: stores.clock)
            #expect(refused.status == 403)
        }
    }

    @Test func resultsAreTheRecordedRunsOfTheTenantsCampaignWithItsWindow() async throws {
        let stores = InMemoryServiceStores(recipients: RouterTests.recipients)
        try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users)) { client in
            let create = #"{"channel":"sms","name":"Win back","segment":{"type":"all_customers"},"body":"Hi"}"#
            let id = try #require(try await RouterTests.call(client, .post, "/api/v1/campaigns", body: create).json?["id"]?.integerValue)
            #expect(try await RouterTests.call(client, .post, "/api/v1/campaigns/\(id)/send").status == 200)
            stores.results.record(AttributionFigures(messaged: 20, bookedCustomers: 5, bookings: 6, revenue: 240), campaignID: id)
            let results = try await RouterTests.call(client, .get, "/api/v1/campaigns/\(id)/results")
            #expect(results.status == 200)
            #expect(results.json?["messaged"]?.integerValue == 20 && results.json?["bookings"]?.integerValue == 6)
            #expect(results.json?["revenue"] == .number(240) && results.json?["conversion_rate"] == .number(0.25))
            #expect(results.json?["attribution_days"]?.integerValue == 7)
            #expect(results.json?["runs"]?.arrayValue?.count == 1)
            // The channel's window is the tenant's setting.
            let window = try await RouterTests.call(client, .put, "/api/v1/settings", body: #"{"channel":"sms","attribution_days":14}"#)
            #expect(window.status == 200)
            #expect(try await RouterTests.call(client, .get, "/api/v1/campaigns/\(id)/results?again").json?["attribution_days"]?.integerValue == 14)
            // The list carries each campaign's results.
            let list = try await RouterTests.call(client, .get, "/api/v1/campaigns")
            #expect(list.json?["items"]?.arrayValue?.first?["results"]?["bookings"]?.integerValue == 6)
            #expect(try await RouterTests.call(client, .get, "/api/v1/campaigns/\(id + 100)/results").status == 404)
            let badRun = try await RouterTests.call(client, .get, "/api/v1/campaigns/\(id)/results?run=0")
            #expect(badRun.status == 400 && badRun.json?["error"]?["field"]?.stringValue == "run")
            #expect(try await RouterTests.call(client, .get, "/api/v1/campaigns/\(id)/results", user: RouterTests.smsSender).status == 403)
        }
    }

    @Test func settingsAreStoredPerChannelAndEveryChangeIsAudited() async throws {
        let stores = InMemoryServiceStores()
        var deps = AppDependencies.inMemory(stores, users: RouterTests.users)
        deps.environmentRateLimit = 10
        try await RouterTests.withRouter(deps) { client in
            let missing = try await RouterTests.call(client, .get, "/api/v1/settings")
            #expect(missing.status == 400 && missing.json?["error"]?["field"]?.stringValue == "channel")
            let tooFast = try await RouterTests.call(client, .put, "/api/v1/settings", body: #"{"channel":"sms","rate_limit":20}"#)
            #expect(tooFast.status == 400 && tooFast.json?["error"]?["field"]?.stringValue == "rate_limit", "above the sender's rate")
            let set = try await RouterTests.call(
                client, .put, "/api/v1/settings", body: #"{"channel":"sms","quiet_hours":{"start":"22:00","end":"06:00"},"rate_limit":5}"#)
            #expect(set.status == 200 && set.json?["quiet_hours"]?["source"]?.stringValue == "tenant")
            let read = try await RouterTests.call(client, .get, "/api/v1/settings?channel=sms")
            #expect(read.json?["quiet_hours"]?["value"]?["start"]?.stringValue == "22:00")
            #expect(read.json?["rate_limit"]?["value"]?.integerValue == 5 && read.json?["rate_limit"]?["source"]?.stringValue == "tenant")
            let email = try await RouterTests.call(client, .get, "/api/v1/settings?channel=email")
            #expect(email.json?["quiet_hours"]?["source"]?.stringValue == "default", "another channel keeps its own")

            let audit = try await RouterTests.call(client, .get, "/api/v1/audit?object_type=settings")
            #expect(audit.status == 200 && audit.json?["total"]?.integerValue == 1)
            let entry = audit.json?["items"]?.arrayValue?.first
            #expect(entry?["action"]?.stringValue == "update" && entry?["channel"]?.stringValue == "sms")
            #expect(entry?["detail"]?["changes"]?["rate_limit"]?["new"]?.integerValue == 5)
            #expect(try await RouterTests.call(client, .get, "/api/v1/audit?channel=email").json?["total"]?.integerValue == 0)
            let badType = try await RouterTests.call(client, .get, "/api/v1/audit?object_type=planet")
            #expect(badType.status == 400 && badType.json?["error"]?["field"]?.stringValue == "object_type")
            let badID = try await RouterTests.call(client, .get, "/api/v1/audit?object_id=0")
            #expect(badID.status == 400 && badID.json?["error"]?["field"]?.stringValue == "object_id")
        }
    }

    @Test func thePickersListTheTenantsBookneticData() async throws {
        let stores = InMemoryServiceStores()
        stores.directory.setCatalogue(
            services: [DirectoryEntry(id: 1, name: "Haircut", isActive: true)], locations: [DirectoryEntry(id: 2, name: "Soho", isActive: false)])
        stores.directory.add([
            CustomerContact(id: 1, firstName: "Ann", lastName: "Lee", phone: "+447700900001", email: nil),
            CustomerContact(id: 2, firstName: "Bob", lastName: "Stone", phone: nil, email: "bob@example.com"),
        ])
        stores.directory.add([CustomerContact(id: 3, firstName: "Ann", lastName: "Lee", phone: nil, email: nil)], scope: .tenant(5))
        try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users)) { client in
            #expect(try await RouterTests.call(client, .get, "/api/v1/services").json?["items"]?.arrayValue?.first?["name"]?.stringValue == "Haircut")
            #expect(try await RouterTests.call(client, .get, "/api/v1/locations").json?["items"]?.arrayValue?.first?["is_active"] == .bool(false))
            let lee = try await RouterTests.call(client, .get, "/api/v1/customers?q=lee")
            #expect(lee.json?["items"]?.arrayValue?.map { $0["id"]?.integerValue } == [1], "only this tenant's")
            #expect(try await RouterTests.call(client, .get, "/api/v1/customers").json?["items"]?.arrayValue?.count == 2)
            let limit = try await RouterTests.call(client, .get, "/api/v1/customers?limit=0")
            #expect(limit.status == 400 && limit.json?["error"]?["field"]?.stringValue == "limit")
            let long = try await RouterTests.call(client, .get, "/api/v1/customers?q=" + String(repeating: "a", count: 101))
            #expect(long.status == 400 && long.json?["error"]?["field"]?.stringValue == "q")
        }
    }

    @Test func theCronTickRunsTheEngineOnTheQueueForTheSystemOnly() async throws {
        let stores = InMemoryServiceStores()
        let campaign = Campaign(
            id: 1, channel: .sms, name: "Queued", status: .queued, statusReason: nil, segment: Segment(type: .allCustomers),
            filters: SegmentFilters(), templateID: nil, subject: nil, body: "Hi {customer_first_name}", contentSID: nil,
            contentVariables: nil, scheduledAt: nil, recurrence: nil, currentRun: 1, totalCount: 0, createdBy: nil, createdAt: Date(),
            updatedAt: Date(), startedAt: nil, finishedAt: nil)
        stores.engineQueue.addCampaign(campaign, addresses: ["+447700900001", "+447700900002", "+447700900003"])
        try await RouterTests.withRouter(.inMemory(stores)) { client in
            func tick(user: Int?, _ query: String = "") async throws -> (status: Int, json: JSONValue?) {
                let path = "/api/v1/cron/tick" + query
                let timestamp = Int(stores.clock.now().timeIntervalSince1970)
                return try await client.execute(
                    uri: path, method: .post, headers: APIFixture.signed(.post, path, tenant: nil, user: user, timestamp: timestamp)
                ) { (Int($0.status.code), try? JSONDecoder().decode(JSONValue.self, from: Data($0.body.readableBytesView))) }
            }
            let asUser = try await tick(user: 1)
            #expect(asUser.status == 403 && stores.sender.sent.isEmpty, "a user may not tick")
            let report = try await tick(user: nil)
            #expect(report.status == 200)
            #expect(report.json?["mode"]?.stringValue == "cron" && report.json?["locked"]?.boolValue == false)
            #expect(report.json?["sent"]?.integerValue == 3)
            #expect(Set(stores.sender.sent.map(\.to)) == ["+447700900001", "+447700900002", "+447700900003"])
            #expect(try await tick(user: nil, "?again").json?["sent"]?.integerValue == 0, "nothing is sent twice")
        }
    }
}
