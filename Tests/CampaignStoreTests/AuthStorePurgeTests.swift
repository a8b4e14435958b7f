import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport
import Testing

/// Expired nonces and sessions are purged (DESIGN §13): deterministically (not by chance),
/// boundedly (a batch at a time, on the lease of a write that happens anyway) and as often as
/// the backlog needs, so neither table grows without end.
@Suite("Purging expired nonces and sessions", .serialized)
struct AuthStorePurgeTests {
    static let prefix = try! TablePrefix("wpa_")

    @Test func expiredRowsGoInBoundedBatchesAndFreshOnesStay() async throws {
        let pool = try await TestDatabase.create("purge")
        try await TestDatabase.dropping(pool) {
            try await Migrator(pool: pool, prefix: Self.prefix, logger: TestDatabase.logger).migrate()
            let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
            let nonces = MariaDBNonceStore(pool: pool, prefix: Self.prefix, clock: clock)
            let sessions = MariaDBSessionStore(pool: pool, prefix: Self.prefix, clock: clock)
            let backlog = 2 * ExpiredRowPurge.batchSize + 500
            let live = clock.now().addingTimeInterval(600)
            try await pool.withConnection { db in
                try await db.executeRaw(
                    RawSQL(
                        trusted:
                            "INSERT INTO wpa_bkntc_campaign_nonces (nonce, expires_at) SELECT CONCAT('old', seq), '2027-01-15 07:50:00' FROM seq_1_to_\(backlog)"
                    ))
                try await db.executeRaw(
                    RawSQL(
                        trusted: """
                            INSERT INTO wpa_bkntc_campaign_sessions (id, tenant_id, user_id, expires_at, created_at)
                            SELECT LPAD(seq, 32, '0'), 1, 1, '2027-01-15 07:50:00', '2027-01-15 00:00:00' FROM seq_1_to_\(backlog)
                            """))
            }
            func count(_ table: String, expiredOnly: Bool = true) async throws -> Int {
                try await pool.withConnection { db in
                    let name = try #require(SQLIdentifier("wpa_bkntc_\(table)"))
                    let filter: MariaDBQuery = expiredOnly ? "expires_at < \(clock.now())" : "1"
                    return try await db.queryFirst("SELECT COUNT(*) AS n FROM \(identifier: name) WHERE \(filter)")?.decode("n") ?? -1
                }
            }
            // Each write takes away at most one batch while the backlog lasts...
            var remaining = backlog
            for round in 1...3 {
                #expect(try await nonces.consume("fresh-\(round)", expiresAt: live))
                try await sessions.create(StoredSession(id: String(repeating: "f", count: 31) + "\(round)", tenantID: 1, userID: 1), expiresAt: live)
                remaining = max(0, remaining - ExpiredRowPurge.batchSize)
                #expect(try await count("campaign_nonces") == remaining, "nonces after write \(round)")
                #expect(try await count("campaign_sessions") == remaining, "sessions after write \(round)")
            }
            #expect(try await count("campaign_nonces", expiredOnly: false) == 3, "fresh nonces stay")
            #expect(try await count("campaign_sessions", expiredOnly: false) == 3, "fresh sessions stay")
            #expect(try await sessions.find(id: String(repeating: "f", count: 31) + "1") != nil)
            // ...then, with the backlog gone, the next purge waits for its interval.
            try await pool.withConnection { db in
                try await db.executeRaw(
                    "INSERT INTO wpa_bkntc_campaign_nonces (nonce, expires_at) SELECT CONCAT('new', seq), '2027-01-15 07:59:00' FROM seq_1_to_10")
            }
            #expect(try await nonces.consume("later", expiresAt: live))
            #expect(try await count("campaign_nonces") == 10, "no purge within the interval")
            clock.advance(by: ExpiredRowPurge.interval)
            #expect(try await nonces.consume("much-later", expiresAt: live))
            #expect(try await count("campaign_nonces") == 0)
            #expect(try await count("campaign_nonces", expiredOnly: false) == 5)
        }
    }

    /// Idempotency keys (DESIGN §21) live 24 h: then they are purged like the nonces and the key
    /// runs anew; a claim whose request died is taken over; tenants and users never share a key.
    @Test func idempotencyKeysExpireAfterADayAndAreScopedToTenantAndUser() async throws {
        let pool = try await TestDatabase.create("purge_idem")
        try await TestDatabase.dropping(pool) {
            try await Migrator(pool: pool, prefix: Self.prefix, logger: TestDatabase.logger).migrate()
            let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
            let store = MariaDBIdempotencyStore(pool: pool, prefix: Self.prefix, clock: clock)
            let scope = IdempotencyScope(tenant: .tenant(1), userID: 10, method: "POST", path: "/api/v1/campaigns", key: "k")
            let day = clock.now().addingTimeInterval(86_400)
            #expect(try await store.claim(scope, requestHash: "a", expiresAt: day, staleAfter: 600) == .claimed)
            #expect(try await store.claim(scope, requestHash: "a", expiresAt: day, staleAfter: 600) == .inProgress)
            #expect(try await store.claim(scope, requestHash: "b", expiresAt: day, staleAfter: 600) == .reused)
            let answer = IdempotentAnswer(status: 201, contentType: "application/json", body: Array(#"{"id":1}"#.utf8))
            try await store.complete(scope, answer: answer)
            #expect(try await store.claim(scope, requestHash: "a", expiresAt: day, staleAfter: 600) == .replay(answer))
            // The same key of another user, another tenant, another path: each its own.
            for other in [
                IdempotencyScope(tenant: .tenant(1), userID: 1, method: "POST", path: "/api/v1/campaigns", key: "k"),
                IdempotencyScope(tenant: .tenant(2), userID: 10, method: "POST", path: "/api/v1/campaigns", key: "k"),
                IdempotencyScope(tenant: .singleSite, userID: 10, method: "POST", path: "/api/v1/campaigns", key: "k"),
                IdempotencyScope(tenant: .tenant(1), userID: 10, method: "POST", path: "/api/v1/templates", key: "k"),
            ] {
                #expect(try await store.claim(other, requestHash: "a", expiresAt: day, staleAfter: 600) == .claimed, "\(other)")
            }
            // A released claim (a 5xx) runs again.
            let failed = IdempotencyScope(tenant: .tenant(1), userID: 10, method: "POST", path: "/api/v1/test-send", key: "k")
            #expect(try await store.claim(failed, requestHash: "a", expiresAt: day, staleAfter: 600) == .claimed)
            try await store.release(failed)
            #expect(try await store.claim(failed, requestHash: "a", expiresAt: day, staleAfter: 600) == .claimed)
            // A claim still running after `staleAfter` (its process died) is taken over.
            clock.advance(by: 601)
            #expect(try await store.claim(failed, requestHash: "a", expiresAt: day, staleAfter: 600) == .claimed)
            // After 24 h the key is new again, and the day's rows are purged by later writes.
            clock.advance(by: 86_400)
            let rows: @Sendable () async throws -> Int = {
                try await pool.withConnection { try await $0.queryFirst("SELECT COUNT(*) AS n FROM wpa_bkntc_campaign_idempotency")!.decode("n") }
            }
            #expect(try await store.claim(scope, requestHash: "b", expiresAt: clock.now().addingTimeInterval(86_400), staleAfter: 600) == .claimed)
            #expect(try await rows() == 1, "only the new claim is left")
        }
    }
}
