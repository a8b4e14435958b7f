import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import MariaDB
import NIOCore
import Server
import TestSupport
import Testing

/// DESIGN §21: the same manual send pressed twice within 10 minutes is refused with a sentence
/// saying when it went, unless the sender confirms it. Time is the service's injected clock.
@Suite("Repeated manual sends through the service", .serialized)
struct ManualSendDuplicateTests {
    /// A signed call at the service's clock (the signature window follows it too).
    static func call(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, body: String = "", clock: ManualClock
    ) async throws -> (status: Int, json: JSONValue?) {
        let headers = APIFixture.signed(method, path, tenant: 1, user: 10, body: body, timestamp: Int(clock.now().timeIntervalSince1970))
        return try await client.execute(uri: path, method: method, headers: headers, body: body.isEmpty ? nil : ByteBuffer(string: body)) {
            (Int($0.status.code), try? JSONDecoder().decode(JSONValue.self, from: Data($0.body.readableBytesView)))
        }
    }

    @Test func theSameManualSendWithinTenMinutesAsksForConfirmation() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        try await APIFixture.live("manual_duplicate", clock: clock) { pool, client in
            let first = #"{"channel":"sms","body":"Hi {customer_first_name}","addresses":"+447700900301, +447700900302"}"#
            #expect(try await Self.call(client, .post, "/api/v1/manual-send?n=1", body: first, clock: clock).status == 202)

            // Three minutes later: the same people (written differently, in another order).
            clock.advance(by: 185)
            let same = #"{"channel":"sms","body":"Hi {customer_first_name}","addresses":"07700 900302\n+447700900301"}"#
            let refused = try await Self.call(client, .post, "/api/v1/manual-send?n=2", body: same, clock: clock)
            #expect(refused.status == 409 && refused.json?["error"]?["code"]?.stringValue == "duplicate_send", "\(String(describing: refused.json))")
            #expect(
                refused.json?["error"]?["message"]?.stringValue
                    == "The same message went to the same 2 recipients 3 minutes ago. Send it again?")

            // Another text, or other people, is no repeat.
            let otherText = #"{"channel":"sms","body":"Hello {customer_first_name}","addresses":"+447700900301, +447700900302"}"#
            #expect(try await Self.call(client, .post, "/api/v1/manual-send?n=3", body: otherText, clock: clock).status == 202)
            let fewer = #"{"channel":"sms","body":"Hi {customer_first_name}","addresses":"+447700900301"}"#
            #expect(try await Self.call(client, .post, "/api/v1/manual-send?n=4", body: fewer, clock: clock).status == 202)

            // Confirmed: it goes.
            let confirmed = #"{"channel":"sms","body":"Hi {customer_first_name}","addresses":"07700 900302\n+447700900301","confirm_duplicate":true}"#
            let again = try await Self.call(client, .post, "/api/v1/manual-send?n=5", body: confirmed, clock: clock)
            #expect(again.status == 202 && again.json?["queued"]?.integerValue == 2)
            let notABool = #"{"channel":"sms","body":"Hi","addresses":"+447700900301","confirm_duplicate":"yes"}"#
            let invalid = try await Self.call(client, .post, "/api/v1/manual-send?n=6", body: notABool, clock: clock)
            #expect(invalid.status == 400 && invalid.json?["error"]?["field"]?.stringValue == "confirm_duplicate")

            // More than 10 minutes after the last one: no question.
            clock.advance(by: 601)
            #expect(try await Self.call(client, .post, "/api/v1/manual-send?n=7", body: same, clock: clock).status == 202)
            let manual = try await pool.withConnection { db in
                try await db.queryFirst("SELECT COUNT(*) AS n FROM wpa_bkntc_campaigns WHERE kind = 'manual'")?.decode("n", as: Int.self)
            }
            #expect(manual == 5)

            // Less than a minute: said so; one recipient: said so.
            #expect(try await Self.call(client, .post, "/api/v1/manual-send?n=8", body: fewer, clock: clock).status == 202)
            clock.advance(by: 20)
            let soon = try await Self.call(client, .post, "/api/v1/manual-send?n=9", body: fewer, clock: clock)
            #expect(
                soon.json?["error"]?["message"]?.stringValue
                    == "The same message went to the same recipient less than a minute ago. Send it again?")
        }
    }
}
