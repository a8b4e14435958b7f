import Campaigns
import Foundation
import Server

/// The headers of a server-to-server request: lines are timestamp, method, path and query,
/// tenant, user, signature, and the body. As given, the request must never crash the check; signed
/// with the secret, it is accepted exactly once when its timestamp is the clock's, and only as
/// 64 lower-case hex digits (DESIGN §13).
enum SignatureTarget {
    private static let secret = FuzzAuthentication.secret
    private static let now = FuzzAuthentication.now

    private static func authenticator() -> RequestAuthenticator { FuzzAuthentication.authenticator() }

    static func run(_ input: FuzzInput) {
        let fields = input.fields(7)
        let (method, path, tenant, user, body) = (fields[1], fields[2], fields[3], fields[4], Data(fields[6].utf8))
        let given = authenticator()
        _ = Blocking.run {
            try await given.verifySignature(
                timestamp: fields[0], method: method, pathAndQuery: path, tenant: tenant, user: user, body: body, signature: fields[5])
        }

        // A fresh nonce store: the input as given may itself have been a signed request.
        let checker = authenticator()
        let timestamp = "1800000000"
        let signature = RequestAuthenticator.signature(
            secret: secret, timestamp: timestamp, method: method, pathAndQuery: path, tenant: tenant, user: user, body: body)
        let verify = { @Sendable (signature: String) in
            Blocking.run {
                try await checker.verifySignature(
                    timestamp: timestamp, method: method, pathAndQuery: path, tenant: tenant, user: user, body: body, signature: signature)
            }
        }
        // Another spelling of the same MAC is refused, and does not use the signature up.
        for spelling in [signature.uppercased(), "+" + signature.dropFirst(), " " + signature] where spelling != signature {
            guard case .failure = verify(spelling) else {
                require(false, "a signature spelled \(spelling) was accepted: \(fields)")
                return
            }
        }
        guard case .success(let vouched) = verify(signature) else {
            require(false, "a correctly signed request was rejected: \(fields)")
            return
        }
        require(vouched.tenant == tenant && vouched.user == user, "the signature vouches for \(vouched), not \(tenant), \(user)")
        for spelling in [signature, signature.uppercased(), "+" + signature.dropFirst()] {
            guard case .failure = verify(spelling) else {
                require(false, "a replayed signature was accepted as \(spelling): \(fields)")
                return
            }
        }
    }
}
