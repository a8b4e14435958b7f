import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Messaging
import Server
import TestSupport
import Testing

/// Paths that hold a token (`/unsubscribe/…`, and the tracking paths `/r/…`, `/t/…` of DESIGN
/// §18) reach the log with the token cut to its first 8 characters (DESIGN §13): a log reader
/// cannot unsubscribe anybody or follow their links. Checked at trace level, so Hummingbird's
/// own lines are included.
@Suite("Token paths in logs", .serialized)
struct TokenPathLoggingTests {
    @Test func tokensInPathsAreCutToEightCharacters() async throws {
        let capture = LogCapture()
        let (pool, deps) = try await APIFixture.make("token_paths")
        try await TestDatabase.dropping(pool) {
            let unsubscribe = UnsubscribeToken(scope: .tenant(1), channel: .email, address: "c1.t1@example.com", campaignID: 3)
                .encoded(secret: APIFixture.secret)
            let tracking = (0..<2).map { _ in Base64URL.encode(Data((0..<30).map { _ in UInt8.random(in: 0...255) })) }
            let requests: [(HTTPRequest.Method, String, String)] = [
                (.get, "/unsubscribe/\(unsubscribe)", unsubscribe), (.post, "/unsubscribe/\(unsubscribe)", unsubscribe),
                (.get, "/unsubscribe/\(unsubscribe)x", unsubscribe), (.get, "/r/\(tracking[0])", tracking[0]),
                (.get, "/t/\(tracking[1])/open.gif", tracking[1]), (.get, "//unsubscribe/\(unsubscribe)", unsubscribe),
            ]
            try await APIFixture.withServer(deps, logger: capture.logger("server")) { client in
                for (method, path, _) in requests {
                    _ = try await client.execute(uri: path, method: method) { $0.status }
                }
            }
            let lines = capture.lines
            for (method, path, token) in requests {
                let kept = String(token.prefix(8))
                #expect(lines.contains { $0.contains(kept) && $0.contains(method.rawValue) }, "\(method) \(path) is logged by its first 8 characters")
                for line in lines where line.contains(token.prefix(9)) {
                    Issue.record("more than 8 characters of the token of \(path) are in a log line: \(line)")
                }
            }
        }
    }
}
