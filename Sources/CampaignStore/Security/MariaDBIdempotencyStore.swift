import Campaigns
import Foundation
import MariaDB

/// Where a key's first request stands.
enum IdempotencyState: String, Sendable, ContractNameBindable {
    /// The first request is still running.
    case running
    /// Its answer is stored.
    case done
}

/// Idempotency keys in `{prefix}bkntc_campaign_idempotency` (DESIGN §21), shared by replicas:
/// the unique key on `(tenant_key, scope_hash)` lets exactly one of two concurrent requests with
/// the same key claim it. Expired keys are purged as new ones are written.
public struct MariaDBIdempotencyStore: IdempotencyStore {
    let pool: MariaDBPool
    let table: SQLIdentifier
    let clock: any WallClock
    let purge: ExpiredRowPurge

    public init(pool: MariaDBPool, prefix: TablePrefix, clock: any WallClock) {
        self.pool = pool
        self.table = prefix.bkntc("campaign_idempotency")
        self.clock = clock
        self.purge = ExpiredRowPurge(table: table, clock: clock)
    }

    /// The longest path kept for reading (the key is found by the hash, which covers all of it).
    static let pathLength = 255

    public func claim(
        _ scope: IdempotencyScope, requestHash: String, expiresAt: Date, staleAfter: TimeInterval
    ) async throws -> IdempotencyClaim {
        try await pool.withConnection { db in
            await purge.runIfDue(on: db)
            let now = Date(timeIntervalSince1970: clock.now().timeIntervalSince1970.rounded(.down))
            let canonical = scope.canonical
            let path = String(String.UnicodeScalarView(scope.path.unicodeScalars.prefix(Self.pathLength)))
            // A row that expired, or a first request that died mid-way, is deleted and claimed
            // anew; two rounds are enough unless another request keeps taking it over.
            for _ in 0..<3 {
                let inserted = try await db.execute(
                    """
                    INSERT IGNORE INTO \(identifier: table) (tenant_id, tenant_key, user_id, method, path, idempotency_key, scope_hash,
                      request_hash, state, created_at, expires_at)
                    VALUES (\(scope.tenant.tenantID), \(scope.tenant.key), \(scope.userID), \(scope.method), \(path), \(scope.key),
                      SHA2(\(canonical), 256), \(requestHash), \(IdempotencyState.running), \(now), \(expiresAt))
                    """
                ).affectedRows
                if inserted == 1 { return .claimed }
                guard
                    let row = try await db.queryFirst(
                        """
                        SELECT id, request_hash, state, response_status, response_type, response_body, created_at, expires_at
                        FROM \(identifier: table) WHERE tenant_key = \(scope.tenant.key) AND scope_hash = SHA2(\(canonical), 256)
                        """)
                else { continue }
                let state = try row.decode("state", as: IdempotencyState.self)
                let created = try row.decode("created_at", as: Date.self)
                let expired = try row.decode("expires_at", as: Date.self) <= now
                let abandoned = state == .running && created.addingTimeInterval(staleAfter) <= now
                if expired || abandoned {
                    try await db.execute(
                        "DELETE FROM \(identifier: table) WHERE id = \(try row.decode("id", as: Int.self)) AND tenant_key = \(scope.tenant.key)")
                    continue
                }
                if try row.decode("request_hash", as: String.self) != requestHash { return .reused }
                guard state == .done, let status = try row.decode("response_status", as: Int?.self) else { return .inProgress }
                return .replay(
                    IdempotentAnswer(
                        status: status, contentType: try row.decode("response_type"),
                        body: try row.decode("response_body", as: [UInt8]?.self) ?? []))
            }
            return .inProgress
        }
    }

    public func complete(_ scope: IdempotencyScope, answer: IdempotentAnswer) async throws {
        try await pool.withConnection { db in
            try await db.execute(
                """
                UPDATE \(identifier: table) SET state = \(IdempotencyState.done), response_status = \(answer.status),
                  response_type = \(answer.contentType), response_body = \(Data(answer.body))
                WHERE tenant_key = \(scope.tenant.key) AND scope_hash = SHA2(\(scope.canonical), 256)
                  AND state = \(IdempotencyState.running)
                """)
        }
    }

    public func release(_ scope: IdempotencyScope) async throws {
        try await pool.withConnection { db in
            try await db.execute(
                """
                DELETE FROM \(identifier: table)
                WHERE tenant_key = \(scope.tenant.key) AND scope_hash = SHA2(\(scope.canonical), 256)
                  AND state = \(IdempotencyState.running)
                """)
        }
    }
}
