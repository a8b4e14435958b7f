import Foundation
import Logging
import MariaDB

// MARK: - Small tables

/// Users, settings, tenants, plans, services, locations, staff and role managers.
struct DemoSetupRows {
    let layout: DemoLayout
    let prefix: TablePrefix

    func tables() -> [DemoTableRows] {
        var random = SeededRandom(seed: layout.seed, stream: .setup, index: 0)
        var tables = [users(), usermeta(), options(&random)]
        if layout.saas { tables += [plans(), tenants()] }
        tables += [services(), locations(), staff(), roleManagers()]
        return tables
    }

    private func users() -> DemoTableRows {
        var rows: [[MariaDBBind]] = [[.int(1), .string("admin"), .string("admin@example.com"), .string("Site Admin")]]
        if layout.saas {
            for site in 0..<layout.tenants {
                let id = layout.ownerUserID(site: site)
                rows.append([
                    .int(Int64(id)), .string("owner\(site + 1)"), .string("owner\(site + 1)@example.com"),
                    .string(Self.tenantName(site)),
                ])
            }
        }
        for site in 0..<layout.sites {
            for k in 0..<DemoLayout.staffPerSite {
                rows.append([
                    .int(Int64(layout.staffUserID(site: site, k))), .string("staff\(site + 1)_\(k + 1)"),
                    .string(Self.staffEmail(site, k)), .string(DemoLayout.staffNames[k]),
                ])
            }
        }
        rows.append([
            .int(Int64(layout.customerUserID)), .string("customer"), .string("customer@example.com"),
            .string("Zoë Customer"),
        ])
        rows.append([
            .int(Int64(layout.brokenUserID)), .string("legacy-import"), .string("legacy@example.com"),
            .string("Legacy Import"),
        ])
        return DemoTableRows(table: prefix.wordpress("users"), columns: ["ID", "user_login", "user_email", "display_name"], rows: rows)
    }

    /// The non-ASCII role the third staff member of every site also has (checks `s:N` byte lengths).
    static let accentedRole = "réceptionniste"

    private func usermeta() -> DemoTableRows {
        let capabilities = prefix.value + "capabilities"
        let level = prefix.value + "user_level"
        var meta: [(user: Int, key: String, value: String)] = [
            (layout.adminUserID, capabilities, DemoPHPSerializer.roles(["administrator"])), (layout.adminUserID, level, "10"),
        ]
        if layout.saas {
            for site in 0..<layout.tenants {
                meta.append((layout.ownerUserID(site: site), capabilities, DemoPHPSerializer.roles(["booknetic_saas_tenant"])))
                meta.append((layout.ownerUserID(site: site), level, "0"))
            }
        }
        for site in 0..<layout.sites {
            for k in 0..<DemoLayout.staffPerSite {
                let user = layout.staffUserID(site: site, k)
                let roles = k == 2 ? ["booknetic_staff", Self.accentedRole] : ["booknetic_staff"]
                meta.append((user, capabilities, DemoPHPSerializer.roles(roles)))
                meta.append((user, level, "0"))
                let name = DemoLayout.staffNames[k].split(separator: " ")
                meta.append((user, "first_name", String(name[0])))
                meta.append((user, "last_name", String(name[1])))
            }
        }
        meta.append((layout.customerUserID, capabilities, DemoPHPSerializer.roles(["subscriber"])))
        meta.append((layout.customerUserID, level, "0"))
        // Robustness: a truncated value whose length prefix is wrong; must never grant anything.
        meta.append((layout.brokenUserID, capabilities, "a:1:{s:99:\"administrator\";b:1;"))
        meta.append((layout.brokenUserID, level, "0"))
        let rows = meta.enumerated().map { index, row -> [MariaDBBind] in
            [.int(Int64(index + 1)), .int(Int64(row.user)), .string(row.key), .string(row.value)]
        }
        return DemoTableRows(table: prefix.wordpress("usermeta"), columns: ["umeta_id", "user_id", "meta_key", "meta_value"], rows: rows)
    }

    private func options(_ random: inout SeededRandom) -> DemoTableRows {
        var options: [(String, String)] = [
            ("active_plugins", DemoPHPSerializer.list(["booknetic/init.php", "booknetic-workflow-twilio-sms/init.php"])),
            ("bkntc_sms_account_sid", "AC" + random.hex(32)),
            ("bkntc_sms_auth_token", random.hex(32)),
            ("bkntc_sender_phone_number", layout.region == .uk ? "+447700900000" : "+15005550006"),
            ("bkntc_sender_email", "hello@example.com"),
            ("bkntc_sender_name", "Demo Salon"),
            ("bkntc_mail_gateway", "smtp"),
            ("bkntc_smtp_hostname", "127.0.0.1"),
            ("bkntc_smtp_port", "1025"),
            ("bkntc_smtp_secure", "no"),
            ("bkntc_smtp_username", ""),
            ("bkntc_smtp_password", ""),
            ("bkntc_currency", layout.region == .uk ? "GBP" : "USD"),
        ]
        if layout.saas {
            // A tenant's own value overrides the global one (`bkntc_t<id>_<name>`).
            options.append(("bkntc_t1_sender_name", Self.tenantName(0)))
            options.append(("bkntc_t2_currency", "EUR"))
        }
        let rows = options.enumerated().map { index, option -> [MariaDBBind] in
            [.int(Int64(index + 1)), .string(option.0), .string(option.1), .string("yes")]
        }
        return DemoTableRows(table: prefix.wordpress("options"), columns: ["option_id", "option_name", "option_value", "autoload"], rows: rows)
    }

    static let otherCapabilities = ["appointments", "customers", "services", "staff", "locations", "payments", "reports", "workflow"]

    private func plans() -> DemoTableRows {
        func caps(_ campaigns: String, _ others: String) -> String {
            campaigns + "," + Self.otherCapabilities.map { "\"\($0)\":\"\(others)\"" }.joined(separator: ",")
        }
        let pro = """
            {"capabilities":{\(caps(#""sms_campaigns":"on","whatsapp_campaigns":"on","email_campaigns":"on""#, "on"))},\
            "limits":{"twilio_sms_allowed_max_number":"-1","allowed_max_staff":"-1"}}
            """
        let starter = """
            {"capabilities":{\(caps(#""sms_campaigns":"off","email_campaigns":"on""#, "on"))},\
            "limits":{"twilio_sms_allowed_max_number":"500","allowed_max_staff":"3"}}
            """
        let free = """
            {"capabilities":{\(caps(#""sms_campaigns":"off","whatsapp_campaigns":"off","email_campaigns":"off""#, "on"))},\
            "limits":{"twilio_sms_allowed_max_number":"0","allowed_max_staff":"1"}}
            """
        let expired = """
            {"capabilities":{\(caps(#""sms_campaigns":"off","whatsapp_campaigns":"off","email_campaigns":"off""#, "off"))},\
            "limits":{"twilio_sms_allowed_max_number":"0","allowed_max_staff":"0"}}
            """
        let rows: [[MariaDBBind]] = [
            [.int(Int64(DemoLayout.proPlan)), .string("Pro"), .int(1), .int(0), .int(0), .string(pro)],
            [.int(Int64(DemoLayout.starterPlan)), .string("Starter"), .int(1), .int(0), .int(0), .string(starter)],
            [.int(Int64(DemoLayout.freePlan)), .string("Free"), .int(1), .int(1), .int(0), .string(free)],
            [.int(Int64(DemoLayout.expiredPlan)), .string("Expired"), .int(1), .int(0), .int(1), .string(expired)],
        ]
        return DemoTableRows(
            table: prefix.bkntc("plans"), columns: ["id", "name", "is_active", "is_default", "expire_plan", "permissions"],
            rows: rows)
    }

    private func tenants() -> DemoTableRows {
        let rows = (0..<layout.tenants).map { site -> [MariaDBBind] in
            let expires = layout.isExpired(site: site) ? layout.now - 15 * 86_400 : layout.now + 365 * 86_400
            let inserted = layout.now - (400 - site % 300) * 86_400
            return [
                .int(Int64(site + 1)), .int(Int64(layout.ownerUserID(site: site))), .string("owner\(site + 1)@example.com"),
                .string(Self.tenantName(site)), .string("tenant\(site + 1)"), .int(Int64(layout.planID(site: site))),
                .string(MessyData.date(epoch: expires)), .string(MessyData.dateTime(epoch: inserted)),
            ]
        }
        return DemoTableRows(
            table: prefix.bkntc("tenants"),
            columns: ["id", "user_id", "email", "full_name", "domain", "plan_id", "expires_in", "inserted_at"], rows: rows)
    }

    private func services() -> DemoTableRows {
        var rows: [[MariaDBBind]] = []
        for site in 0..<layout.sites {
            for (k, service) in DemoLayout.services.enumerated() {
                rows.append([
                    .int(Int64(layout.serviceID(site: site, k))), .string(service.name), .string(service.price),
                    .int(Int64(service.minutes)), .int(service.active ? 1 : 0), layout.tenantID(site: site),
                ])
            }
        }
        return DemoTableRows(
            table: prefix.bkntc("services"), columns: ["id", "name", "price", "duration", "is_active", "tenant_id"], rows: rows)
    }

    private func locations() -> DemoTableRows {
        var rows: [[MariaDBBind]] = []
        for site in 0..<layout.sites {
            for (k, location) in DemoLayout.locations.enumerated() {
                rows.append([
                    .int(Int64(layout.locationID(site: site, k))), .string(location.name), .string(location.address),
                    .int(location.active ? 1 : 0), layout.tenantID(site: site),
                ])
            }
        }
        return DemoTableRows(table: prefix.bkntc("locations"), columns: ["id", "name", "address", "is_active", "tenant_id"], rows: rows)
    }

    private func staff() -> DemoTableRows {
        var rows: [[MariaDBBind]] = []
        for site in 0..<layout.sites {
            for k in 0..<DemoLayout.staffPerSite {
                rows.append([
                    .int(Int64(layout.staffID(site: site, k))), .string(DemoLayout.staffNames[k]),
                    .int(Int64(layout.staffUserID(site: site, k))), .string(Self.staffEmail(site, k)),
                    .string("+1 (415) 555-\(MessyData.pad(100 + (site * 3 + k) % 100, 4))"), .int(1), layout.tenantID(site: site),
                ])
            }
        }
        return DemoTableRows(
            table: prefix.bkntc("staff"), columns: ["id", "name", "user_id", "email", "phone_number", "is_active", "tenant_id"],
            rows: rows)
    }

    static let marketingPermissions = """
        {"sms_campaigns":"on","sms_campaigns_create":"on","sms_campaigns_send":"on","email_campaigns":"all",\
        "email_campaigns_create":"my","whatsapp_campaigns":"off","appointments":"on","customers":"on"}
        """
    static let receptionPermissions = #"{"sms_campaigns":"on"}"#

    private func roleManagers() -> DemoTableRows {
        var rows: [[MariaDBBind]] = []
        for site in 0..<layout.sites {
            rows.append([
                .int(Int64(site * 2 + 1)), .string("Marketing"), .string("\(layout.staffID(site: site, 0))"),
                .string(Self.marketingPermissions), .int(0), layout.tenantID(site: site),
            ])
            rows.append([
                .int(Int64(site * 2 + 2)), .string("Reception"), .string("\(layout.staffID(site: site, 1))"),
                .string(Self.receptionPermissions), .int(0), layout.tenantID(site: site),
            ])
        }
        return DemoTableRows(
            table: prefix.bkntc("user_role_managers"), columns: ["id", "name", "staff", "permissions", "is_default", "tenant_id"],
            rows: rows)
    }

    static func tenantName(_ site: Int) -> String {
        let base = DemoLayout.tenantNames[site % DemoLayout.tenantNames.count]
        return site < DemoLayout.tenantNames.count ? base : "\(base) \(site + 1)"
    }

    static func staffEmail(_ site: Int, _ k: Int) -> String { "staff\(site + 1)-\(k + 1)@example.com" }
}
