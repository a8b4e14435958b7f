import CampaignStore
import Campaigns
import Foundation
import HummingbirdTesting
import MariaDB
import Server
import TestSupport
import Testing

/// `POST /api/v1/customers/{id}/erase` (DESIGN §20): the person's messages in that tenant go —
/// by customer id and by the addresses their customer row holds — and nothing else: another
/// tenant's rows, other customers' rows and the suppression list stay; one audit entry says so
/// without the person's addresses.
@Suite("Erasure", .serialized)
struct ErasureTests {
    @Test func aCustomersMessagesGoInTheirTenantOnlyAndTheirOptOutStays() async throws {
        let (pool, deps) = try await APIFixture.make("erasure")
        defer { Task { await TestDatabase.drop(pool) } }
        // Customer 1 is Cus1 of tenant 1, phone +44 7700 910001 and email c1.t1@example.com.
        try await pool.withConnection { db in
            let now = Date()
            for (tenant, campaign, customer, address) in [
                (1, 1, 1, "+447700910001"), (1, 2, 1, "c1.t1@example.com"),
                (1, 3, nil, "+447700910001"),  // a manual send to the same number, no customer id
                (1, 1, 2, "+447700910002"),  // another customer
                (2, 4, nil, "+447700910001"),  // the same number in another tenant
            ] as [(Int, Int, Int?, String)] {
                try await db.execute(
                    """
                    INSERT INTO wpa_bkntc_campaign_logs (tenant_id, tenant_key, campaign_id, run, channel, customer_id, address, status, created_at, updated_at)
                    VALUES (\(tenant), \(tenant), \(campaign), 1, \(address.contains("@") ? "email" : "sms"), \(customer), \(address), 'sent', \(now), \(now))
                    """)
            }
            try await db.execute(
                """
                INSERT INTO wpa_bkntc_campaign_suppressions (tenant_id, tenant_key, channel, address, reason, source, created_at)
                VALUES (1, 1, 'sms', '+447700910001', 'STOP reply', 'inbound', \(now))
                """)
        }
        try await APIFixture.withServer(deps) { client in
            // Staff who may read only SMS logs may not erase: the plan includes every channel.
            let staff = try await APIFixture.call(client, .post, "/api/v1/customers/1/erase", tenant: 1, user: 30)
            #expect(staff.status == 403 && staff.json?["error"]?["code"]?.stringValue == "capability", "\(staff)")
            // Another tenant's owner: customer 1 is not theirs.
            let other = try await APIFixture.call(client, .post, "/api/v1/customers/1/erase", tenant: 2, user: 20)
            #expect(other.status == 404, "\(other)")

            let erased = try await APIFixture.call(client, .post, "/api/v1/customers/1/erase", tenant: 1, user: 10)
            #expect(erased.status == 200, "\(erased)")
            #expect(erased.json?["log_rows"]?.integerValue == 3)
            let history = try await APIFixture.call(client, .get, "/api/v1/customers/1/messages?channel=sms", tenant: 1, user: 10)
            #expect(history.json?["items"]?.arrayValue?.isEmpty == true, "\(history)")
            let again = try await APIFixture.call(client, .post, "/api/v1/customers/1/erase?again", tenant: 1, user: 10)
            #expect(again.status == 200 && again.json?["log_rows"]?.integerValue == 0, "erasing twice is fine")
        }
        try await pool.withConnection { db in
            let left: [String] = try await db.query("SELECT CONCAT(tenant_key, ':', address) AS k FROM wpa_bkntc_campaign_logs ORDER BY id")
                .map { try $0.decode("k") }
            #expect(left == ["1:+447700910002", "2:+447700910001"])
            let suppressed: Int? = try await db.queryFirst(
                "SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_suppressions WHERE address = '+447700910001'")?.decode("n")
            #expect(suppressed == 1, "the opt-out stays")
            let audit: [String] = try await db.query(
                "SELECT detail FROM wpa_bkntc_campaign_audit WHERE action = 'erase' AND object_type = 'customer' AND object_id = 1 ORDER BY id"
            ).map { try $0.decode("detail") }
            #expect(audit.count == 2)
            #expect(audit.first?.contains("\"log_rows\":3") == true, "\(audit)")
            #expect(!audit.joined().contains("7700") && !audit.joined().contains("example.com"), "no address in the audit")
        }
    }
}
