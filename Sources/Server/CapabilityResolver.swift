import CampaignStore
import Campaigns
import Foundation
import MariaDB

/// Resolves what a WordPress user may do, from the database (DESIGN §7), cached ≤ 60 s:
/// `administrator` → everything; SaaS tenant owner → everything in the tenant; staff →
/// role-manager permissions (`on`/`all`/`my` grant); anyone else → nothing. On SaaS the
/// tenant's plan (the `expire_plan` plan once expired) gates each channel first.
public protocol CapabilityResolving: Sendable {
    func capabilities(userID: Int, scope: TenantScope) async throws -> CapabilitySet
    /// Whether the user is a WordPress administrator (may act for any tenant).
    func isAdministrator(userID: Int) async throws -> Bool
}

/// Resolves capabilities from the WordPress and Booknetic tables, with a 60 s cache.
public final class MariaDBCapabilityResolver: CapabilityResolving {
    let pool: MariaDBPool
    let prefix: TablePrefix
    let saas: Bool
    let ttl: TimeInterval
    private let cache = TimedCache<String, CapabilitySet>()
    private let adminCache = TimedCache<Int, Bool>()

    public init(pool: MariaDBPool, prefix: TablePrefix, saas: Bool, ttl: TimeInterval = 60) {
        self.pool = pool
        self.prefix = prefix
        self.saas = saas
        self.ttl = ttl
    }

    public func isAdministrator(userID: Int) async throws -> Bool {
        if let cached = adminCache.get(userID) { return cached }
        let roles = try await pool.withConnection { try await self.roles(userID: userID, db: $0) }
        let admin = roles.contains("administrator")
        adminCache.set(userID, admin, ttl: ttl)
        return admin
    }

    public func capabilities(userID: Int, scope: TenantScope) async throws -> CapabilitySet {
        let key = "\(userID)/\(scope.key)"
        if let cached = cache.get(key) { return cached }
        let result = try await pool.withConnection { db in try await self.resolve(userID: userID, scope: scope, db: db) }
        cache.set(key, result, ttl: ttl)
        return result
    }

    private func resolve(userID: Int, scope: TenantScope, db: MariaDBSession) async throws -> CapabilitySet {
        let gate: Set<Channel>? = saas ? try await planChannels(scope: scope, db: db) : nil
        if try await roles(userID: userID, db: db).contains("administrator") {
            return .everything(planChannels: gate)
        }
        if saas, let tenantID = scope.tenantID {
            let owner = try await db.queryFirst(
                "SELECT id FROM \(prefix.bkntc("tenants")) WHERE id = ? AND user_id = ?", [tenantID, userID])
            if owner != nil { return .everything(planChannels: gate) }
        }
        return CapabilitySet(granted: try await staffPermissions(userID: userID, scope: scope, db: db), planChannels: gate)
    }

    private func roles(userID: Int, db: MariaDBSession) async throws -> Set<String> {
        let row = try await db.queryFirst(
            "SELECT meta_value FROM \(prefix.wordpress("usermeta")) WHERE user_id = ? AND meta_key = ? LIMIT 1",
            [userID, prefix.value + "capabilities"])
        guard let text = try row?.decode("meta_value", as: String?.self) else { return [] }
        return PHPSerialized.truthyKeys(text)
    }

    /// Channels whose `<channel>_campaigns` capability is on in the tenant's effective plan.
    private func planChannels(scope: TenantScope, db: MariaDBSession) async throws -> Set<Channel> {
        guard let tenantID = scope.tenantID else { return Set(Channel.allCases) }
        guard
            let tenant = try await db.queryFirst(
                "SELECT plan_id, expires_in FROM \(prefix.bkntc("tenants")) WHERE id = ?", [tenantID])
        else { return [] }
        var planID = try tenant.decode("plan_id", as: Int?.self)
        if let expires = try? tenant.decode("expires_in", as: Date.self),
            expires.addingTimeInterval(86_400) <= Date()
        {
            planID = try await db.queryFirst(
                "SELECT id FROM \(prefix.bkntc("plans")) WHERE expire_plan = 1 ORDER BY id LIMIT 1")?.decode("id", as: Int.self)
        }
        guard let planID,
            let plan = try await db.queryFirst("SELECT permissions FROM \(prefix.bkntc("plans")) WHERE id = ?", [planID]),
            let text = try plan.decode("permissions", as: String?.self),
            let json = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        else { return [] }
        return Set(Channel.allCases.filter { json["capabilities"]?["\($0.rawValue)_campaigns"]?.stringValue == "on" })
    }

    private func staffPermissions(userID: Int, scope: TenantScope, db: MariaDBSession) async throws -> Set<String> {
        let tenantFilter = scope.tenantID == nil ? "(tenant_id IS NULL OR tenant_id = 0)" : "tenant_id = ?"
        let tenantBinds: [any MariaDBBindable] = scope.tenantID.map { [$0] } ?? []
        let staff: [MariaDBRow]
        do {
            staff = try await db.query(
                "SELECT id FROM \(prefix.bkntc("staff")) WHERE user_id = ? AND \(tenantFilter)", [userID] + tenantBinds)
        } catch let error as MariaDBError where error.code == 1146 {
            return []  // no staff table: nobody is staff
        }
        let staffIDs = Set(try staff.map { try $0.decode("id", as: Int.self) })
        if staffIDs.isEmpty { return [] }
        let exists = try await db.queryFirst(
            "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            [prefix.value + "bkntc_user_role_managers"])
        guard try exists?.decode("n", as: Int.self) == 1 else { return [] }
        let roles = try await db.query(
            "SELECT staff, permissions FROM \(prefix.bkntc("user_role_managers")) WHERE \(tenantFilter)", tenantBinds)
        var granted: Set<String> = []
        for role in roles {
            let members = Set(
                (try role.decode("staff", as: String?.self) ?? "").split(separator: ",")
                    .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
            guard !members.isDisjoint(with: staffIDs),
                let text = try role.decode("permissions", as: String?.self),
                case .object(let permissions)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            else { continue }
            for (name, value) in permissions where ["on", "all", "my"].contains(value.stringValue ?? "") {
                granted.insert(name)
            }
        }
        return granted
    }
}
