import Campaigns
import Foundation
import HummingbirdTesting
import Server
import TestSupport
import Testing

/// DESIGN §19's `rebook_due` segment through the router on in-memory stores: its three
/// parameters' ranges and types (400 naming the field, on campaigns, previews and saved
/// audiences alike) and the defaults echoed when they are left out.
@Suite("rebook_due segment on in-memory stores")
struct RebookSegmentRouteTests {
    static func campaign(_ segment: String) -> String { #"{"channel":"sms","name":"x","segment":\#(segment),"body":"b"}"# }

    @Test func parametersOutOfRangeOrOfTheWrongTypeAreRefusedNamingTheField() async throws {
        try await RouterTests.withRouter(RouterTests.dependencies()) { client in
            let cases: [(String, String)] = [
                (#"{"type":"rebook_due","factor":0.49}"#, "segment.factor"),
                (#"{"type":"rebook_due","factor":3.01}"#, "segment.factor"),
                (#"{"type":"rebook_due","factor":"1"}"#, "segment.factor"),
                (#"{"type":"rebook_due","factor":true}"#, "segment.factor"),
                (#"{"type":"rebook_due","window_days":0}"#, "segment.window_days"),
                (#"{"type":"rebook_due","window_days":91}"#, "segment.window_days"),
                (#"{"type":"rebook_due","window_days":7.5}"#, "segment.window_days"),
                (#"{"type":"rebook_due","window_days":"7"}"#, "segment.window_days"),
                (#"{"type":"rebook_due","min_visits":1}"#, "segment.min_visits"),
                (#"{"type":"rebook_due","min_visits":11}"#, "segment.min_visits"),
                (#"{"type":"rebook_due","min_visits":[3]}"#, "segment.min_visits"),
                // Checked whatever the type, as the schema describes them.
                (#"{"type":"lapsed","factor":9}"#, "segment.factor"),
            ]
            for (segment, field) in cases {
                let bodies: [(String, String)] = [
                    ("/api/v1/campaigns", Self.campaign(segment)),
                    ("/api/v1/segments/preview", #"{"channel":"sms","segment":\#(segment)}"#),
                    ("/api/v1/audiences", #"{"name":"x","channel":"sms","segment":\#(segment)}"#),
                ]
                for (path, body) in bodies {
                    let answer = try await AudienceRouteTests.call(client, .post, path, body: body)
                    #expect(answer.status == 400, "\(path) \(body)")
                    #expect(answer.json?["error"]?["code"]?.stringValue == "validation_failed", "\(path) \(body)")
                    #expect(answer.json?["error"]?["field"]?.stringValue == field, "\(path) \(body)")
                }
            }
        }
    }

    @Test func omittedParametersTakeTheDefaultsAndGivenOnesAreEchoed() async throws {
        try await RouterTests.withRouter(RouterTests.dependencies()) { client in
            let bare = try await AudienceRouteTests.call(client, .post, "/api/v1/campaigns", body: Self.campaign(#"{"type":"rebook_due"}"#))
            #expect(bare.status == 201)
            let segment = bare.json?["segment"]
            #expect(segment?["type"]?.stringValue == "rebook_due")
            #expect(segment?["factor"] == .number(1))
            #expect(segment?["window_days"]?.integerValue == 7)
            #expect(segment?["min_visits"]?.integerValue == 3)
            #expect(segment?["days"] == nil)
            let nulls = try await AudienceRouteTests.call(
                client, .post, "/api/v1/campaigns",
                body: Self.campaign(#"{"type":"rebook_due","factor":null,"window_days":null,"min_visits":null}"#))
            #expect(nulls.json?["segment"] == segment)
            // The edges of every range are allowed, and fractions of the factor.
            for (factor, window, visits) in [(0.5, 1, 2), (3, 90, 10), (1.25, 30, 4)] as [(Double, Int, Int)] {
                let given = try await AudienceRouteTests.call(
                    client, .post, "/api/v1/campaigns",
                    body: Self.campaign(#"{"type":"rebook_due","factor":\#(factor),"window_days":\#(window),"min_visits":\#(visits)}"#))
                #expect(given.status == 201)
                #expect(given.json?["segment"]?["factor"] == .number(factor))
                #expect(given.json?["segment"]?["window_days"]?.integerValue == window)
                #expect(given.json?["segment"]?["min_visits"]?.integerValue == visits)
                // Reading it back gives the same segment.
                let id = given.json?["id"]?.integerValue ?? 0
                let read = try await AudienceRouteTests.call(client, .get, "/api/v1/campaigns/\(id)")
                #expect(read.json?["segment"] == given.json?["segment"])
            }
            // Other segments do not grow the new fields.
            let lapsed = try await AudienceRouteTests.call(
                client, .post, "/api/v1/campaigns", body: Self.campaign(#"{"type":"lapsed","factor":2}"#))
            #expect(lapsed.json?["segment"]?["factor"] == nil)
            #expect(lapsed.json?["segment"]?["days"]?.integerValue == 90)
            // The segment list offers it to the editor.
            let list = try await AudienceRouteTests.call(client, .get, "/api/v1/segments")
            guard case .array(let items)? = list.json?["items"] else {
                Issue.record("no items")
                return
            }
            #expect(items.contains { $0["type"]?.stringValue == "rebook_due" && $0["label"]?.stringValue == "Time to book again" })
        }
    }
}
