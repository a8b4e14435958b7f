import Synchronization

/// Whether the WordPress install is Booknetic SaaS (tenants) or a single site: configured
/// (`BKNTC_SAAS`), or detected from the database once it can be reached. Until it is known,
/// nothing that depends on it runs — requests get 503 and `/ready` says why — because guessing
/// single-site would file STOP replies and sessions under no tenant (DESIGN §13).
public final class InstallationMode: Sendable {
    private let known: Mutex<Bool?>
    private let detect: (@Sendable () async throws -> Bool)?

    /// A configured mode.
    public init(saas: Bool) {
        known = Mutex(saas)
        detect = nil
    }

    /// A mode detected by `detect` (which throws while the database cannot tell).
    public init(detect: @escaping @Sendable () async throws -> Bool) {
        known = Mutex(nil)
        self.detect = detect
    }

    /// The mode when known, without detecting.
    public var current: Bool? { known.withLock { $0 } }

    /// Whether the install is SaaS, detecting it now when still unknown.
    /// - Throws: `DomainError.unavailable` while the database cannot tell.
    public func isSaaS() async throws -> Bool {
        if let saas = current { return saas }
        guard let detect, let saas = try? await detect() else {
            throw DomainError.unavailable("the service is starting: it cannot yet tell single-site from SaaS (is the database reachable?)")
        }
        known.withLock { $0 = saas }
        return saas
    }
}
