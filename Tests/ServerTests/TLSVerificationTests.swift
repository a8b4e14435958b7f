import Campaigns
import Foundation
import Logging
import Messaging
import Server
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// TLS verification cannot be turned off (issue: reliability, security): whatever the
/// environment says, the transport the service builds refuses a server whose certificate it
/// does not trust, for Twilio's HTTPS and for SMTP; plain http is accepted only for a loopback
/// `BKNTC_TWILIO_API_BASE`, and even then only towards this machine.
@Suite("TLS verification and plain http", .serialized)
struct TLSVerificationTests {
    static let base = ["BKNTC_DB_NAME": "wordpress", "BKNTC_SECRET": "0123456789abcdef"]

    /// `openssl s_server -www` with the SMTP test server's self-signed certificate (for
    /// 127.0.0.1 and localhost), on a free port.
    final class HTTPSServer {
        let process = Process()
        let port: Int

        init(certificate: String, key: String) throws {
            port = try Self.freePort()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-www", "-quiet"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<100 where !Self.accepts(port) { usleep(50_000) }
        }

        /// SIGKILL: the test runner's children may inherit a mask that blocks SIGTERM.
        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        static func freePort() throws -> Int {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            var size = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, size) == 0 && getsockname(socket, $0, &size) == 0 }
            }
            guard bound else { throw TestDatabase.MissingEnvironment("no free port") }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        static func accepts(_ port: Int) -> Bool {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
        }
    }

    /// Environments that might plausibly loosen TLS: every provider mode, a loopback http
    /// Twilio base, an https one, another CA bundle, short and long timeouts.
    static func environments(httpsBase: String) -> [[String: String]] {
        let systemBundle = ["/etc/ssl/certs/ca-certificates.crt"].filter { FileManager.default.isReadableFile(atPath: $0) }
        var variants: [[String: String]] = [[:]]
        for provider in ["live", "outbox"] {
            for twilio in [nil, "http://127.0.0.1:4010", "http://localhost:4010", httpsBase] {
                for ca in [nil] + systemBundle {
                    for timeout in [nil, "3"] {
                        var env = ["BKNTC_PROVIDER": provider]
                        env["BKNTC_TWILIO_API_BASE"] = twilio
                        env["BKNTC_SMTP_CA_FILE"] = ca
                        env["BKNTC_PROVIDER_TIMEOUT"] = timeout
                        env["BKNTC_PUBLIC_URL"] = "http://127.0.0.1:8080"
                        variants.append(env)
                    }
                }
            }
        }
        return variants
    }

    static func configuration(_ extra: [String: String]) throws -> ServiceConfiguration {
        try ServiceConfiguration.fromEnvironment(base.merging(extra) { $1 })
    }

    @Test func noEnvironmentTurnsCertificateVerificationOff() async throws {
        let smtp = try SMTPSenderTestsServer.fromEnvironment()
        let key = URL(fileURLWithPath: smtp.caFile).deletingLastPathComponent().appendingPathComponent("key.pem").path
        let server = try HTTPSServer(certificate: smtp.caFile, key: key)
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)/"
        let request = ProviderRequest(method: .get, url: url, username: "AC1", password: "token")

        // The sanity check that makes the refusals below mean something: trusted, it answers.
        let trusting = CurlTransport(policy: try Self.configuration(["BKNTC_SMTP_CA_FILE": smtp.caFile]).transportPolicy, threads: 1)
        let trusted = await trusting.http(request)
        await trusting.shutdown()
        guard case .success(let answer) = trusted else {
            Issue.record("the trusted HTTPS server did not answer: \(trusted)")
            return
        }
        #expect(answer.status == 200)

        let environments = Self.environments(httpsBase: "https://127.0.0.1:\(server.port)")
        for env in environments {
            let config = try Self.configuration(env)
            let transport = CurlTransport(policy: config.transportPolicy, threads: 1)
            let outcome = await transport.http(request)
            guard case .failure(.notConnected(let detail)) = outcome else {
                Issue.record("\(env): an untrusted certificate was accepted: \(outcome)")
                await transport.shutdown()
                continue
            }
            #expect(detail.lowercased().contains("certificate") || detail.lowercased().contains("ssl"), "\(env): \(detail)")
            // SMTP with STARTTLS to a server with the same untrusted certificate.
            let account = SMTPAccount(
                host: "127.0.0.1", port: smtp.tlsPort, security: .tls, username: smtp.user, password: smtp.password,
                senderEmail: "salon@example.com", senderName: nil)
            let sender = SMTPSender(
                transport: transport, providers: StaticProviders(accountSID: "AC1", authToken: "t", smtp: account), publicURL: nil,
                secret: "0123456789abcdef", clock: SystemClock(), logger: Logger(label: "test"))
            let to = "tls-\(UUID().uuidString.prefix(8))@example.com"
            let sent = await sender.send(
                OutgoingMessage(logID: 1, campaignID: 1, scope: .singleSite, channel: .email, to: to, subject: "Hi", body: "Hi", claimedAt: Date()))
            await transport.shutdown()
            guard case .retryable("smtp_connection", _, _) = sent else {
                Issue.record("\(env): STARTTLS with an untrusted certificate gave \(sent)")
                continue
            }
            #expect(try smtp.received(for: to).isEmpty)
        }
        #expect(environments.count > 10)
    }

    @Test func aPlainHTTPTwilioBaseMustBeThisMachine() {
        for base in [
            "http://api.twilio.com", "http://10.0.0.7:8080", "http://localhost.example.com", "http://127.0.0.1.nip.io", "http://[::ffff:7f00:1]:80",
            "http://user@api.twilio.com", "ftp://127.0.0.1", "api.twilio.com", "https://",
        ] {
            #expect(throws: ConfigurationError.self, "\(base) must be refused") { try Self.configuration(["BKNTC_TWILIO_API_BASE": base]) }
        }
        for base in ["http://127.0.0.1:4010", "http://localhost:4010", "http://[::1]:4010"] {
            #expect(((try? Self.configuration(["BKNTC_TWILIO_API_BASE": base]))?.transportPolicy.allowPlainHTTP) == true, "\(base)")
        }
        #expect(((try? Self.configuration(["BKNTC_TWILIO_API_BASE": "https://api.twilio.com"]))?.transportPolicy.allowPlainHTTP) == false)
        #expect(((try? Self.configuration([:]))?.transportPolicy.allowPlainHTTP) == false)
    }

    @Test func plainHTTPIsOnlyEverSentToThisMachine() async throws {
        let loopbackBase = try Self.configuration(["BKNTC_TWILIO_API_BASE": "http://127.0.0.1:4010"])
        let transport = CurlTransport(policy: loopbackBase.transportPolicy, threads: 1)
        func outcome(_ url: String) async -> Result<ProviderResponse, TransportFailure> {
            await transport.http(ProviderRequest(method: .post, url: url, username: "AC1", password: "token", form: [FormField("Body", "Hi")]))
        }
        // Allowed for the loopback fake: nothing listens on port 9, so the connection fails.
        guard case .failure(.notConnected) = await outcome("http://127.0.0.1:9/2010-04-01/Accounts/AC1/Messages.json") else {
            Issue.record("plain http to the loopback fake should be attempted")
            await transport.shutdown()
            return
        }
        // Never to another host, even though the policy allows plain http for the fake.
        for url in [
            "http://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json", "http://10.0.0.7/", "http://127.0.0.1@example.com/",
            "http://exa mple.com/",
        ] {
            guard case .failure(.refused) = await outcome(url) else {
                Issue.record("\(url) must be refused before connecting")
                continue
            }
        }
        await transport.shutdown()
        // With an https base, no plain http at all.
        let strict = CurlTransport(policy: try Self.configuration([:]).transportPolicy, threads: 1)
        guard case .failure(.refused) = await strict.http(ProviderRequest(method: .get, url: "http://127.0.0.1:9/", username: "", password: ""))
        else {
            Issue.record("plain http must be refused without a loopback base")
            await strict.shutdown()
            return
        }
        await strict.shutdown()
    }
}
