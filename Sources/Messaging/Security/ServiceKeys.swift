import Crypto
import Foundation

/// The keys of the tokens the service mints for itself, derived from `BKNTC_SECRET` (DESIGN §13):
/// HKDF-SHA256 with an empty salt, the purpose's label as info and 32 bytes of output (PHP:
/// `hash_hkdf('sha256', $secret, 32, 'unsubscribe')`). Each kind of token has a key of its own,
/// so no token of one kind can be read as another, and none is MAC'd with the secret itself.
///
/// Request signatures and launch tokens are the exception: the WordPress bridge computes them
/// with the secret itself (DESIGN §7), which `shared` is.
public struct ServiceKeys: Sendable {
    /// What a derived key is for; the raw value is its HKDF label.
    public enum Purpose: String, Sendable, CaseIterable {
        case unsubscribe
        case tracking
        case session
    }

    private let secretBytes: [UInt8]
    private let unsubscribeBytes: [UInt8]
    private let trackingBytes: [UInt8]
    private let sessionBytes: [UInt8]

    public init(secret: String) {
        secretBytes = Array(secret.utf8)
        unsubscribeBytes = Self.derive(.unsubscribe, from: secretBytes)
        trackingBytes = Self.derive(.tracking, from: secretBytes)
        sessionBytes = Self.derive(.session, from: secretBytes)
    }

    /// The key for one kind of token.
    public func key(for purpose: Purpose) -> SymmetricKey {
        switch purpose {
        case .unsubscribe: SymmetricKey(data: unsubscribeBytes)
        case .tracking: SymmetricKey(data: trackingBytes)
        case .session: SymmetricKey(data: sessionBytes)
        }
    }

    /// `BKNTC_SECRET` itself: §7's request signatures and launch tokens, and unsubscribe links
    /// minted before keys were derived (still in people's mailboxes).
    public var shared: SymmetricKey { SymmetricKey(data: secretBytes) }

    private static func derive(_ purpose: Purpose, from secret: [UInt8]) -> [UInt8] {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: secret), info: Array(purpose.rawValue.utf8), outputByteCount: 32)
            .withUnsafeBytes { Array($0) }
    }
}
