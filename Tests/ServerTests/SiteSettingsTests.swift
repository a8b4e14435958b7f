import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import MariaDB
import NIOCore
import Server
import TestSupport
import Testing

@Suite("Booknetic settings", .serialized)
struct SiteSettingsTests {
    @Test func aTenantsDefaultCountryCodeOverridesTheServiceDefault() async throws {
        try await APIFixture.live("settings") { pool, client in  // BKNTC_DEFAULT_COUNTRY_CODE=44
            try await pool.withConnection { db in
                try await db.execute("UPDATE wpa_bkntc_tenants SET plan_id = 1 WHERE id = 2")  // Pro: WhatsApp allowed
                try await db.execute("INSERT INTO wpa_options (option_name, option_value) VALUES ('bkntc_t1_default_country_code', '+33')")
                try await db.execute("INSERT INTO wpa_options (option_name, option_value) VALUES ('bkntc_default_country_code', 'not a code')")
                for tenant in [1, 2] {
                    try await db.execute(
                        "INSERT INTO wpa_bkntc_customers (first_name, phone_number, tenant_id) VALUES ('National', '06 12 34 56 78', \(tenant))")
                }
            }
            func sample(_ tenant: Int, _ user: Int) async throws -> [String] {
                let preview = try await APIFixture.call(
                    client, .post, "/api/v1/segments/preview", tenant: tenant, user: user,
                    body: #"{"channel":"whatsapp","segment":{"type":"all_customers"},"sample_size":100}"#)
                guard case .array(let items)? = preview.json?["sample"] else { return [] }
                return items.compactMap { $0["address"]?.stringValue }
            }
            #expect(try await sample(1, 1).contains("+33612345678"))
            let tenantTwo = try await sample(2, 1)  // the invalid global option is ignored: the service default applies
            #expect(tenantTwo.contains("+44612345678"))
            #expect(!tenantTwo.contains("+33612345678"))
            let added = try await APIFixture.call(
                client, .post, "/api/v1/suppressions", tenant: 1, user: 1, body: #"{"channel":"whatsapp","address":"06 12 34 56 78"}"#)
            #expect(added.json?["address"]?.stringValue == "+33612345678")
            #expect(try await sample(1, 1).contains("+33612345678") == false, "now suppressed")
        }
    }
}
