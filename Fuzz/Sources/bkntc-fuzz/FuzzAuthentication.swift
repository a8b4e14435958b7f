import Campaigns
import Foundation
import InMemoryStores
import Server

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
        RequestAuthenticator(
            nonces: InMemoryNonceStore(), sessions: InMemorySessionStore(clock: FixedClock(instant: now)), secret: secret,
            clock: FixedClock(instant: now))
    }
}
