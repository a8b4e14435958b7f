import Campaigns
import Foundation
import MariaDB

/// Resolves capabilities from the WordPress and Booknetic tables (DESIGN §7), cached ≤ 60 s:
/// `administrator` → everything; SaaS tenant owner → everything in the tenant; staff →
/// role-manager permissions (`on`/`all`/`my` grant); anyone else → nothing. On SaaS the
/// tenant's plan (the `expire_plan` plan once expired) gates each channel first.
public final class MariaDBCapabilityResolver: CapabilityResolving {
    let pool: MariaDBPool
    let prefix: TablePrefix
    let installation: InstallationMode
    let clock: any WallClock
    private let cache: TimedCache<String, CapabilitySet>
    private let adminCache: TimedCache<Int, Bool>

    public convenience init(pool: MariaDBPool, prefix: TablePrefix, saas: Bool, clock: any WallClock, ttl: TimeInterval = 60) {
        self.init(pool: pool, prefix: prefix, installation: InstallationMode(saas: saas), clock: clock, ttl: ttl)
    }

    public init(pool: MariaDBPool, prefix: TablePrefix, installation: InstallationMode, clock: any WallClock, ttl: TimeInterval = 60) {
        self.pool = pool
        self.prefix = prefix
        self.installation = installation
        self.clock = clock
        self.cache = TimedCache(ttl: ttl, clock: clock)
        self.adminCache = TimedCache(ttl: ttl, clock: clock)
    }

    public func isAdministrator(userID: Int) async throws -> Bool {
        try await adminCache.value(for: userID) {
            try await self.pool.withConnection { try await self.roles(userID: userID, db: $0) }.contains("administrator")
        }
    }

    public func capabilities(userID: Int, scope: TenantScope) async throws -> CapabilitySet {
        try await cache.value(for: "\(userID)/\(scope.key)") {
            try await self.pool.withConnection { db in try await self.resolve(userID: userID, scope: scope, db: db) }
        }
    }

    private func resolve(userID: Int, scope: TenantScope, db: MariaDBSession) async throws -> CapabilitySet {
        let saas = try await installation.isSaaS()
        let gate: Set<Channel>? = saas ? try await planChannels(scope: scope, db: db) : nil
        if try await roles(userID: userID, db: db).contains("administrator") {
            return .everything(planChannels: gate)
        }
        if saas, let tenantID = scope.tenantID {
            let owner = try await db.queryFirst(
                "SELECT id FROM \(identifier: prefix.bkntc("tenants")) WHERE id = \(tenantID) AND user_id = \(userID)")
            if owner != nil { return .everything(planChannels: gate) }
        }
        return CapabilitySet(granted: try await staffPermissions(userID: userID, scope: scope, db: db), planChannels: gate)
    }

    private func roles(userID: Int, db: MariaDBSession) async throws -> Set<String> {
        let row = try await db.queryFirst(
            """
            SELECT meta_value FROM \(identifier: prefix.wordpress("usermeta"))
            WHERE user_id = \(userID) AND meta_key = \(prefix.value + "capabilities") LIMIT 1
            """)
        guard let text = try row?.decode("meta_value", as: String?.self) else { return [] }
        return PHPSerialized.truthyKeys(text)
    }

    /// Channels whose `<channel>_campaigns` capability is on in the tenant's effective plan.
    private func planChannels(scope: TenantScope, db: MariaDBSession) async throws -> Set<Channel> {
        guard let tenantID = scope.tenantID else { return Set(Channel.allCases) }
        guard let json = try await PlanPermissions.load(db, prefix: prefix, tenantID: tenantID, now: clock.now()) else { return [] }
        return Set(Channel.allCases.filter { json["capabilities"]?["\($0.rawValue)_campaigns"]?.stringValue == "on" })
    }

    private func staffPermissions(userID: Int, scope: TenantScope, db: MariaDBSession) async throws -> Set<String> {
        let tenantFilter = scope.bookneticCondition
        guard try await db.tableExists(prefix.bareName("staff")) else { return [] }  // no staff table: nobody is staff
        let staff = try await db.query(
            "SELECT id FROM \(identifier: prefix.bkntc("staff")) WHERE user_id = \(userID) AND \(tenantFilter)")
        let staffIDs = Set(try staff.map { try $0.decode("id", as: Int.self) })
        if staffIDs.isEmpty { return [] }
        guard try await db.tableExists(prefix.bareName("user_role_managers")) else { return [] }
        let roles = try await db.query(
            "SELECT staff, permissions FROM \(identifier: prefix.bkntc("user_role_managers")) WHERE \(tenantFilter)")
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
