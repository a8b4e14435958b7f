import Campaigns
import Foundation
import MariaDB

/// A SaaS tenant's effective Booknetic plan (DESIGN §2): its own plan, or the `expire_plan`
/// one once `expires_in` has passed.
enum PlanPermissions {
    /// The plan's `permissions` JSON; nil when the tenant or its plan is missing or unreadable.
    static func load(_ db: some MariaDBQueryable, prefix: TablePrefix, tenantID: Int, now: Date) async throws -> JSONValue? {
        guard let tenant = try await db.queryFirst("SELECT plan_id, expires_in FROM \(identifier: prefix.bkntc("tenants")) WHERE id = \(tenantID)")
        else { return nil }
        var planID = try tenant.decode("plan_id", as: Int?.self)
        if let expires = try? tenant.decode("expires_in", as: Date.self), expires.addingTimeInterval(86_400) <= now {
            planID = try await db.queryFirst(
                "SELECT id FROM \(identifier: prefix.bkntc("plans")) WHERE expire_plan = 1 ORDER BY id LIMIT 1"
            )?.decode("id", as: Int.self)
        }
        guard let planID,
            let plan = try await db.queryFirst("SELECT permissions FROM \(identifier: prefix.bkntc("plans")) WHERE id = \(planID)"),
            let text = try plan.decode("permissions", as: String?.self)
        else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// `limits.twilio_sms_allowed_max_number` (nil or negative = unlimited).
    static func smsLimit(_ permissions: JSONValue?) -> Int? {
        guard let raw = permissions?["limits"]?["twilio_sms_allowed_max_number"] else { return nil }
        let number: Int?
        switch raw {
        case .number(let value): number = Int(exactly: value.rounded(.down))
        case .string(let text): number = Int(text.trimmingCharacters(in: .whitespaces))
        default: number = nil
        }
        guard let number, number >= 0 else { return nil }
        return number
    }
}
