import Campaigns
import Engine
import Foundation
import Testing

/// The checks right before sending (DESIGN §6), as a value: suppression, frequency cap, quiet hours.
@Suite("Batch gate (values)")
struct BatchGateTests {
    static let now = ISO8601DateFormatter().date(from: "2027-01-15T03:00:00Z")!

    static func row(_ id: Int, customer: Int? = nil, address: String = "+447700900000", channel: Channel = .sms) -> ClaimedRow {
        ClaimedRow(
            id: id, campaignID: 1, run: 1, scope: .tenant(7), channel: channel, customerID: customer, address: address,
            firstName: nil, lastName: nil, attempts: 0, claimedAt: now, claimToken: "w/1")
    }

    @Test func suppressedAndCappedRowsAreSkippedAndTheRestGoOnInClaimOrder() {
        let rows = [
            Self.row(1, customer: 10, address: "+447700900001"), Self.row(2, customer: 11, address: "+447700900002"),
            Self.row(3, customer: 12, address: "+447700900003"), Self.row(4, address: "+447700900004"),
        ]
        let gate = BatchGate(
            suppressed: ["+447700900002"], frequencyCap: FrequencyCap(max: 2, days: 7), sentRecently: [10: 1, 12: 2])
        let decision = gate.sort(rows, now: Self.now)
        #expect(decision.results == [.skipped(id: 2, reason: .suppressed), .skipped(id: 3, reason: .frequencyCap)])
        // Below the cap, and a row without a customer (the cap counts customers), are sent.
        #expect(decision.toSend.map(\.id) == [1, 4])
        #expect(decision.counts.skipped == 2 && decision.counts.held == 0)
    }

    @Test func suppressionComparesLowerCasedAddresses() {
        let gate = BatchGate(suppressed: ["ann@example.com"])
        let decision = gate.sort([Self.row(1, address: "Ann@Example.COM", channel: .email)], now: Self.now)
        #expect(decision.results == [.skipped(id: 1, reason: .suppressed)] && decision.toSend.isEmpty)
    }

    @Test func quietHoursHoldEachRowUntilTheWindowOpensInItsOwnZone() throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        // 03:00 UTC: night in London (the tenant's zone), noon in Tokyo (a client's own zone).
        let gate = BatchGate(
            quietHours: .standard, zones: RecipientZones(fallback: london, clients: [20: "Asia/Tokyo", 21: "Not/AZone"]))
        let decision = gate.sort([Self.row(1, customer: 20), Self.row(2, customer: 21), Self.row(3)], now: Self.now)
        let opening = ISO8601DateFormatter().date(from: "2027-01-15T08:00:00Z")!
        // An unknown zone text falls back to the tenant's.
        #expect(decision.results == [.held(id: 2, until: opening), .held(id: 3, until: opening)])
        #expect(decision.toSend.map(\.id) == [1] && decision.counts.held == 2)
    }

    @Test func quietHoursApplyToPhoneChannelsOnlyAndNeverWhenTheWindowIsAlwaysOpen() {
        let standard = ChannelSettings(stored: StoredSettings(quietHours: .standard), environmentQuietHours: nil, environmentRate: nil)
        #expect(BatchGate.quietHours(channel: .sms, settings: standard) == .standard)
        #expect(BatchGate.quietHours(channel: .whatsapp, settings: standard) == .standard)
        #expect(BatchGate.quietHours(channel: .email, settings: standard) == nil)
        let always = ChannelSettings(
            stored: StoredSettings(quietHours: QuietHours(start: 0, end: 1440)), environmentQuietHours: nil, environmentRate: nil)
        #expect(BatchGate.quietHours(channel: .sms, settings: always) == nil)
    }
}
