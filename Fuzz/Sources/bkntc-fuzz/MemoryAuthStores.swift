import Campaigns
import Foundation
import Server
import Synchronization

/// Nonces kept in memory, so the authenticator's replay rule runs without a database.
final class MemoryNonceStore: NonceStore {
    private let used = Mutex<Set<String>>([])

    func consume(_ nonce: String, expiresAt: Date) async throws -> Bool {
        used.withLock { $0.insert(nonce).inserted }
    }
}

/// Sessions kept in memory (they never expire: the fuzzing clock stands still).
final class MemorySessionStore: SessionStore {
    private let sessions = Mutex<[String: StoredSession]>([:])

    func create(_ session: StoredSession, expiresAt: Date) async throws {
        sessions.withLock { $0[session.id] = session }
    }

    func find(id: String) async throws -> StoredSession? {
        sessions.withLock { $0[id] }
    }

    func revoke(id: String) async throws {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }
}

/// A clock that always answers the same instant.
struct FixedClock: WallClock {
    let instant: Date

    func now() -> Date { instant }
}

/// What the signed-request and launch-token targets check against: a fixed secret, a fixed clock
/// and fresh in-memory stores for each authenticator.
enum FuzzAuthentication {
    static let secret = "fuzzing-secret"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func authenticator() -> RequestAuthenticator {
        RequestAuthenticator(nonces: MemoryNonceStore(), sessions: MemorySessionStore(), secret: secret, clock: FixedClock(instant: now))
    }
}
