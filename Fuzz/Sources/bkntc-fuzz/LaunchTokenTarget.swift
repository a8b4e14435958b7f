import Campaigns
import Crypto
import Foundation
import Messaging
import Server

/// Launch tokens from the bridge. The input is tried as a whole token, then as the JSON claims
/// of a token signed with the secret over the base64url text (DESIGN §7). A session is only
/// granted for §7's claims (a user, `exp` at most 120 s after `iat` and ahead of the clock), its
/// token resolves to the same user and tenant, and a token works once however it is spelled. A
/// MAC over the JSON bytes instead opens nothing (§13: one construction, one spelling).
enum LaunchTokenTarget {
    private static let secret = FuzzAuthentication.secret
    private static let now = FuzzAuthentication.now

    private static func authenticator() -> RequestAuthenticator { FuzzAuthentication.authenticator() }

    static func run(_ input: FuzzInput) {
        let given = authenticator()
        _ = Blocking.run { try await given.createSession(launchToken: input.text) }

        let claims = Data(input.bytes)
        let body = Base64URL.encode(claims)
        let key = SymmetricKey(data: Data(secret.utf8))
        // A fresh nonce store each time: the input as given may itself have been this token.
        check(body + "." + Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key))), claims: claims, authenticator())
        if claims != Data(body.utf8) {
            let overJSON = body + "." + Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: claims, using: key)))
            guard case .failure = Blocking.run({ try await authenticator().createSession(launchToken: overJSON) }) else {
                require(false, "a token MAC'd over the JSON bytes opened a session")
                return
            }
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
        let mac = String(token.split(separator: ".")[1])
        for spelling in [token, token + "=", token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")]
            + [String(token.dropLast(mac.count)) + mac.uppercased()]
        {
            guard case .failure = Blocking.run({ try await authenticator.createSession(launchToken: spelling) }) else {
                require(false, "a launch token was accepted twice (as \(spelling))")
                return
            }
        }
    }
}
