import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Server
import TestSupport
import Testing

/// The admin UI's files and headers (DESIGN §11), and the signing vectors the WordPress
/// bridge's PHP tests use too (`Tests/Vectors/signing.json`), so both sides agree byte for byte.
@Suite("Admin UI files and shared signing vectors")
struct AdminAndVectorTests {
    struct Vectors: Decodable {
        struct Signature: Decodable { let timestamp, method, path, tenant, user, body, signature: String }
        struct Launch: Decodable {
            let user: Int
            let tenant: Int?
            let now: Int
            let nonce: String
            let json: String
            let token: String
        }
        let secret: String
        let signatures: [Signature]
        let launchTokens: [Launch]
        enum CodingKeys: String, CodingKey {
            case secret, signatures
            case launchTokens = "launch_tokens"
        }
    }

    static func vectors() throws -> Vectors {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Vectors/signing.json")
        return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }

    @Test func requestSignaturesMatchTheSharedVectors() throws {
        let vectors = try Self.vectors()
        #expect(vectors.signatures.count >= 4)
        for v in vectors.signatures {
            let ours = RequestAuthenticator.signature(
                secret: vectors.secret, timestamp: v.timestamp, method: v.method, pathAndQuery: v.path, tenant: v.tenant, user: v.user,
                body: Data(v.body.utf8))
            #expect(ours == v.signature, "\(v.method) \(v.path)")
        }
    }

    /// `bkntc-campaigns sign` (what the scripts and test harnesses sign with) reproduces every
    /// vector byte for byte: the request headers and the launch tokens.
    @Test func theSignCommandsSigningMatchesTheVectors() throws {
        let vectors = try Self.vectors()
        for v in vectors.signatures {
            let headers = BridgeSigning.headers(
                secret: vectors.secret, method: v.method, pathAndQuery: v.path, tenant: v.tenant, user: v.user, body: Data(v.body.utf8),
                timestamp: Int(v.timestamp) ?? 0)
            #expect(headers.map(\.name) == ["X-Bkntc-Timestamp", "X-Bkntc-Tenant", "X-Bkntc-User", "X-Bkntc-Signature"])
            #expect(headers.map(\.value) == [v.timestamp, v.tenant, v.user, v.signature], "\(v.method) \(v.path)")
        }
        for v in vectors.launchTokens {
            let token = BridgeSigning.launchToken(secret: vectors.secret, tenant: v.tenant, user: v.user, issuedAt: v.now, nonce: v.nonce)
            #expect(token == v.token, "\(v.json)")
        }
    }

    @Test func launchTokensOfTheVectorsOpenASessionOnceAtTheirTime() async throws {
        let vectors = try Self.vectors()
        for v in vectors.launchTokens {
            let clock = ManualClock(Date(timeIntervalSince1970: TimeInterval(v.now + 5)))
            var deps = RouterTests.dependencies(clock: clock)
            deps.authenticator = RequestAuthenticator(
                nonces: InMemoryNonceStore(), sessions: InMemorySessionStore(clock: clock), secret: vectors.secret, clock: clock)
            let body = #"{"launch_token":"\#(v.token)"}"#
            try await RouterTests.withRouter(deps) { client in
                let status = try await client.execute(
                    uri: "/api/v1/sessions", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
                ) { Int($0.status.code) }
                #expect(status == 201, "\(v.json)")
                let again = try await client.execute(
                    uri: "/api/v1/sessions", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
                ) { Int($0.status.code) }
                #expect(again == 401, "a launch token works once")
            }
            // The token's first part is exactly the JSON the PHP bridge writes.
            let part = String(v.token.split(separator: ".")[0])
            let padded =
                part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                + String(repeating: "=", count: (4 - part.count % 4) % 4)
            #expect(Data(base64Encoded: padded).map { String(decoding: $0, as: UTF8.self) } == v.json)
        }
    }

    @Test func theAdminPageAndItsModulesAreServedWithTheSecurityHeaders() async throws {
        var deps = RouterTests.dependencies()
        deps.adminFrameAncestors = ["https://salon.example.com"]
        try await RouterTests.withRouter(deps) { client in
            let page = try await client.execute(uri: "/admin/", method: .get) { response in
                (Int(response.status.code), response.headers, String(buffer: response.body))
            }
            #expect(page.0 == 200)
            #expect(page.1[.contentType] == "text/html; charset=utf-8")
            let policy = try #require(page.1[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
            #expect(policy.contains("frame-ancestors 'self' https://salon.example.com"))
            #expect(page.1[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(page.2.contains(#"<script type="module" src="js/app.js"></script>"#))
            #expect(!page.2.contains("<script>"), "no inline script")
            // Every module the page imports is served as JavaScript.
            for module in ["app", "api", "dom", "launch", "editor", "progress", "campaigns", "results", "logs"] {
                let asset = try await client.execute(uri: "/admin/js/\(module).js", method: .get) { response in
                    (Int(response.status.code), response.headers[.contentType])
                }
                #expect(asset.0 == 200 && asset.1 == "text/javascript; charset=utf-8", "\(module).js")
            }
            #expect(try await client.execute(uri: "/admin/app.css", method: .get) { $0.headers[.contentType] } == "text/css; charset=utf-8")
            #expect(policy.contains("frame-src 'self'"), "the admin page frames only its own pages (the email preview)")
            // The email preview's frame page: an email's inline styles and web images, still no
            // inline script, and only the admin UI may frame it.
            let frame = try await client.execute(uri: "/admin/email-frame.html", method: .get) { response in
                (Int(response.status.code), response.headers[.contentSecurityPolicy] ?? "", String(buffer: response.body))
            }
            #expect(frame.0 == 200)
            #expect(frame.1.contains("script-src 'self';") && frame.1.contains("style-src 'self' 'unsafe-inline'"))
            #expect(frame.1.contains("img-src https: http: data:") && frame.1.hasSuffix("frame-ancestors 'self'"))
            #expect(frame.2.contains(#"<iframe id="message" sandbox="""#), "the email itself runs nothing")
            #expect(!frame.2.contains("<script>"), "no inline script")
            // Nothing outside the admin folder, and no guessing at names.
            for path in ["/admin/../openapi.yaml", "/admin/js/missing.js", "/admin/index.htm", "/admin/%2e%2e%2fPackage.swift"] {
                #expect(try await client.execute(uri: path, method: .get) { Int($0.status.code) } == 404, "\(path)")
            }
            let redirect = try await client.execute(uri: "/admin", method: .get) { ($0.status.code, $0.headers[.location]) }
            #expect(redirect.0 == 308 && redirect.1 == "/admin/")
        }
    }

    @Test func everyModuleRendersTextNotHTML() throws {
        // A customer named <img src=x onerror=alert(1)> must show as those characters: the UI
        // never hands API data to an HTML parser.
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Server/Resources/admin/js")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".js") }
        #expect(files.count >= 10)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
                #expect(!text.contains(sink), "\(file) uses \(sink)")
            }
        }
    }
}
