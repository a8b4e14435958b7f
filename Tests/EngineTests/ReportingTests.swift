import CampaignStore
import Campaigns
import Engine
import Foundation
import Logging
import MariaDB
import ServiceLifecycle
import TestSupport
import Testing

@Suite("Dashboard and history against MariaDB", .serialized)
struct ReportingTests {
    @Test func theDashboardEqualsTheSumsOfTheLogRows() async throws {
        try await EngineFixture.with("dashboard", customers: 12) { fixture in
            fixture.sender.script("+447700900003", [.permanent(code: "21211", message: "invalid number", suppress: false)])
            let first = try await fixture.queuedCampaign()
            try await fixture.drain()
            fixture.clock.advance(by: 86_400)
            _ = try await fixture.queuedCampaign(.email, name: "Mail")
            try await fixture.drain(rounds: 1, limit: 5)  // 7 email rows still pending
            let reporting = MariaDBReportingRepository(
                pool: fixture.pool, prefix: EngineFixture.prefix, settings: fixture.settings, clock: fixture.clock)
            let dashboard = try await reporting.dashboard(scope: .singleSite, channels: Set(Channel.allCases))
            let sums = try await fixture.pool.withConnection { db in
                try await db.query("SELECT status, COUNT(*) AS n FROM wpe_bkntc_campaign_logs GROUP BY status").reduce(into: [String: Int]()) {
                    $0[try $1.decode("status")] = try $1.decode("n")
                }
            }
            #expect(dashboard.sent == sums["sent", default: 0] && dashboard.sent == 11 + 5)
            #expect(dashboard.failed == sums["failed", default: 0] && dashboard.failed == 1)
            #expect(dashboard.pending == sums["pending", default: 0] && dashboard.pending == 7)
            #expect(dashboard.campaigns[.completed] == 1 && dashboard.campaigns[.sending] == 1)
            #expect(dashboard.daily.count == 30)
            #expect(dashboard.daily.map(\.sent).reduce(0, +) == dashboard.sent)
            #expect(dashboard.daily.suffix(2).map(\.sent) == [11, 5] && dashboard.daily.suffix(2).first?.failed == 1)
            let smsOnly = try await reporting.dashboard(scope: .singleSite, channels: [.sms])
            #expect(smsOnly.sent == 11 && smsOnly.pending == 0)
            // The customer's history: newest first, across campaigns.
            let history = try await reporting.customerMessages(
                scope: .singleSite, customerID: 3, channels: Set(Channel.allCases), page: PageRequest())
            #expect(history.items.map(\.campaignID) == [2, first.id] && history.items.last?.status == .failed)
            #expect(history.items.last?.lastError?.hasPrefix("21211") == true)
            #expect(try await reporting.customerMessages(scope: .tenant(9), customerID: 3, channels: [.sms], page: PageRequest()).total == 0)
        }
    }
}
