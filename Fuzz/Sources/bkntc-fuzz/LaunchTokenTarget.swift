import Campaigns
import Crypto
import Foundation
import Server

/// Launch tokens from the bridge. The input is tried as a whole token, then as the JSON claims
/// of a token signed with the secret (the MAC over the base64url text, and over the JSON bytes).
/// A session is only granted for DESIGN §7's claims (a user, `exp` at most 120 s after `iat` and
/// ahead of the clock), its token resolves to the same user and tenant, and a token works once.
enum LaunchTokenTarget {
    private static let secret = FuzzAuthentication.secret
    private static let now = FuzzAuthentication.now

    private static func authenticator() -> RequestAuthenticator { FuzzAuthentication.authenticator() }

    static func run(_ input: FuzzInput) {
        let given = authenticator()
        _ = Blocking.run { try await given.createSession(launchToken: input.text) }

        let claims = Data(input.bytes)
        let body = base64URL(claims)
        for signed in [Data(body.utf8), claims] {
            let token = body + "." + base64URL(Data(HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))))
            // A fresh nonce store each time: the input as given may itself have been this token.
            check(token, claims: claims, authenticator())
        }
    }

    private static func check(_ token: String, claims: Data, _ authenticator: RequestAuthenticator) {
        guard case .success(let session) = Blocking.run({ try await authenticator.createSession(launchToken: token) }) else { return }
        let json = try? JSONDecoder().decode(JSONValue.self, from: claims)
        require(session.user > 0, "session for user \(session.user)")
        if let exp = json?["exp"]?.integerValue {
            let ahead = TimeInterval(exp) - now.timeIntervalSince1970
            require(ahead > 0 && ahead <= 125, "session granted for a token expiring \(ahead) s from now")
            if let iat = json?["iat"]?.integerValue { require(exp - iat <= 120, "session granted for a token living \(exp - iat) s") }
        }
        let resolved = Blocking.run { try await authenticator.verifySession(session.token) }
        guard case .success(let identity) = resolved, identity.user == session.user, identity.tenant == session.tenant else {
            require(false, "the session token of \(session) resolves to \(resolved)")
            return
        }
        guard case .failure = Blocking.run({ try await authenticator.createSession(launchToken: token) }) else {
            require(false, "a launch token was accepted twice")
            return
        }
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
