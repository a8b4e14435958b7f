import CampaignStore
import Campaigns
import Foundation
import HummingbirdTesting
import MariaDB
import Server
import Synchronization
import TestSupport
import Testing

/// With `BKNTC_SAAS` unset the service tells single-site from SaaS by the database, and while it
/// cannot it is not ready and never assumes single-site (DESIGN §13: STOP replies were filed
/// under no tenant when detection failed open).
@Suite("Installation detection", .serialized)
struct InstallationDetectionTests {
    @Test func anUnknownModeIsDetectedWhenTheDatabaseAnswersAndNeverGuessed() async throws {
        let attempts = Mutex(0)
        let mode = InstallationMode {
            let attempt = attempts.withLock { count in
                count += 1
                return count
            }
            if attempt < 3 { throw MariaDBError.poolClosed }
            return true
        }
        #expect(mode.current == nil)
        for _ in 0..<2 {
            await #expect(throws: DomainError.self) { try await mode.isSaaS() }
        }
        #expect(try await mode.isSaaS())
        #expect(try await mode.isSaaS() && attempts.withLock { $0 } == 3, "detected once, then known")
        #expect(InstallationMode(saas: false).current == false)
    }

    @Test func withTheDatabaseAwayAtStartTheServiceIsNotReadyAndAnswers503ThenDetectsSaaS() async throws {
        // Nothing listens on this port: the database is unreachable.
        var unreachable = try TestDatabase.configuration(database: "unused")
        unreachable.port = 9
        unreachable.connectTimeout = 1
        let deadPool = MariaDBPool(configuration: unreachable, logger: TestDatabase.logger)
        let config = ServiceConfiguration(database: unreachable, prefix: APIFixture.prefix, secret: APIFixture.secret)
        let away = AppDependencies.live(
            config: config, pool: deadPool, installation: Installation.mode(configured: nil, pool: deadPool, prefix: APIFixture.prefix))
        try await APIFixture.withServer(away) { client in
            let ready = try await client.execute(uri: "/ready", method: .get) { ($0.status.code, String(buffer: $0.body)) }
            #expect(ready.0 == 503 && ready.1.contains("not detected"), "\(ready)")
            let call = try await APIFixture.call(client, .get, "/api/v1/me", tenant: 1, user: 10)
            #expect(call.status == 503, "\(call)")
        }
        await deadPool.close()

        // The same with a reachable SaaS database: detected on the first request that needs it,
        // so the caller acts in its tenant.
        let (pool, _) = try await APIFixture.make("detect_saas")
        let detected = AppDependencies.live(
            config: ServiceConfiguration(database: pool.configuration, prefix: APIFixture.prefix, secret: APIFixture.secret),
            pool: pool, installation: Installation.mode(configured: nil, pool: pool, prefix: APIFixture.prefix))
        try await APIFixture.withServer(detected) { client in
            let me = try await APIFixture.call(client, .get, "/api/v1/me", tenant: 1, user: 10)
            #expect(me.status == 200 && me.json?["tenant"]?.integerValue == 1, "\(me)")
            #expect(detected.installation.current == true)
        }
        await TestDatabase.drop(pool)
    }
}
