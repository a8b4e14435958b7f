import Campaigns
import Foundation
import HummingbirdTesting
import Server
import TestSupport
import Testing

/// The §18 `tracking` setting (§10): default clicks on and opens off, stored per channel,
/// validated field by field, reset by null.
@Suite("Tracking setting")
struct TrackingSettingTests {
    @Test func trackingDefaultsSetsPerChannelAndResets() async throws {
        let stores = InMemoryServiceStores()
        try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users)) { client in
            let initial = try await RouterTests.call(client, .get, "/api/v1/settings?channel=email")
            #expect(initial.json?["tracking"]?["value"]?["clicks"] == .bool(true))
            #expect(initial.json?["tracking"]?["value"]?["opens"] == .bool(false))
            #expect(initial.json?["tracking"]?["source"]?.stringValue == "default")
            let set = try await RouterTests.call(
                client, .put, "/api/v1/settings", body: #"{"channel":"email","tracking":{"clicks":false,"opens":true}}"#)
            #expect(set.status == 200)
            #expect(set.json?["tracking"]?["value"]?["clicks"] == .bool(false) && set.json?["tracking"]?["value"]?["opens"] == .bool(true))
            #expect(set.json?["tracking"]?["source"]?.stringValue == "tenant")
            let sms = try await RouterTests.call(client, .get, "/api/v1/settings?channel=sms")
            #expect(sms.json?["tracking"]?["source"]?.stringValue == "default", "stored per channel")
            let reset = try await RouterTests.call(client, .put, "/api/v1/settings", body: #"{"channel":"email","tracking":null}"#)
            #expect(reset.json?["tracking"]?["source"]?.stringValue == "default")
            #expect(reset.json?["tracking"]?["value"]?["clicks"] == .bool(true))
        }
    }

    @Test(arguments: [
        (#"{"channel":"sms","tracking":true}"#, "tracking"),
        (#"{"channel":"sms","tracking":{"clicks":"yes","opens":false}}"#, "tracking.clicks"),
        (#"{"channel":"sms","tracking":{"clicks":true}}"#, "tracking.opens"),
        (#"{"channel":"sms","tracking":{"clicks":true,"opens":false,"views":true}}"#, "tracking.views"),
    ])
    func aBadTrackingValueNamesItsField(_ body: String, _ field: String) async throws {
        let stores = InMemoryServiceStores()
        try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users)) { client in
            let answer = try await RouterTests.call(client, .put, "/api/v1/settings", body: body)
            #expect(answer.status == 400 && answer.json?["error"]?["field"]?.stringValue == field)
        }
    }

    /// Without any stored link, every code is unknown (a small 404 page) and the open image is
    /// still an image; neither route asks for authentication or sets a cookie.
    @Test func thePublicRoutesNeedNoAuthenticationAndSetNoCookie() async throws {
        let stores = InMemoryServiceStores()
        try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users)) { client in
            let link = try await client.execute(uri: "/r/AbCdEfGh12", method: .get) { $0 }
            #expect(link.status == .notFound && link.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(link.headers[.setCookie] == nil && link.headers[.location] == nil)
            let image = try await client.execute(uri: "/t/o/not-a-token", method: .get) { $0 }
            #expect(image.status == .ok && image.headers[.contentType] == "image/gif" && image.headers[.setCookie] == nil)
            #expect(image.body.readableBytes == 43)
        }
    }

    /// Preview counts SMS segments with the short link's length (DESIGN §18, §21): a long URL
    /// makes two segments as written, one once it is a short link; with clicks off, two.
    @Test func previewCountsSegmentsAtTheShortLinksLength() async throws {
        let stores = InMemoryServiceStores(recipients: Array(RouterTests.recipients.prefix(3)))
        try await RouterTests.withRouter(.inMemory(stores, users: RouterTests.users)) { client in
            let url = "https://salon.example/" + String(repeating: "a", count: 150)
            let preview = #"{"channel":"sms","segment":{"type":"all_customers"},"body":"Hi, book: \#(url)"}"#
            let tracked = try await RouterTests.call(client, .post, "/api/v1/segments/preview", body: preview)
            #expect(tracked.json?["segments"]?["max"]?.integerValue == 1, "\(String(describing: tracked.json))")
            #expect(tracked.json?["messages"]?.arrayValue?.first?["segments"]?.integerValue == 1)
            let off = try await RouterTests.call(
                client, .put, "/api/v1/settings", body: #"{"channel":"sms","tracking":{"clicks":false,"opens":false}}"#)
            #expect(off.status == 200)
            let plain = try await RouterTests.call(client, .post, "/api/v1/segments/preview?off", body: preview)
            #expect(plain.json?["segments"]?["max"]?.integerValue == 2)
        }
    }
}
