import Campaigns
import Foundation
import Logging
import Messaging
import TestSupport
import Testing

/// The SMTP sender against a real SMTP server (aiosmtpd, started by Scripts/test): the message
/// as received, STARTTLS with a certificate the test trusts explicitly, authentication, reply
/// codes, and one connection for consecutive messages.
@Suite("SMTP sender", .serialized)
struct SMTPSenderTests {
    static func sender(_ server: SMTPSenderTestsServer, security: SMTPSecurity, port: Int, trust: Bool = true) -> (SMTPSender, CurlTransport) {
        let transport = CurlTransport(policy: TransportPolicy(totalTimeout: 10, caFile: trust ? server.caFile : nil), threads: 2)
        let account = SMTPAccount(
            host: "127.0.0.1", port: port, security: security, username: server.user, password: server.password,
            senderEmail: "salon@example.com", senderName: "Salon Zoë")
        let sender = SMTPSender(
            transport: transport, providers: StaticProviders(accountSID: "AC1", authToken: "t", smtp: account),
            publicURL: "https://campaigns.example.com", secret: "a-test-secret-of-32-characters!!", clock: SystemClock(),
            logger: Logger(label: "test"))
        return (sender, transport)
    }

    static func message(_ to: String, body: String = "<p>Hello {name}, <b>20%</b> off</p>") -> OutgoingMessage {
        OutgoingMessage(
            logID: 1, campaignID: 12, scope: .tenant(3), channel: .email, to: to, subject: "Grüße aus dem Salon ✂️", body: body,
            claimedAt: Date())
    }

    @Test func deliversAnRFC5322MessageWithOneClickUnsubscribe() async throws {
        let server = try SMTPSenderTestsServer.fromEnvironment()
        let (sender, transport) = Self.sender(server, security: .none, port: server.port)
        let to = "ann.\(UUID().uuidString.prefix(8))@example.com"
        guard case .sent = await sender.send(Self.message(to)) else {
            Issue.record("not sent")
            await transport.shutdown()
            return
        }
        await transport.shutdown()
        let received = try server.received(for: to)
        let (raw, envelope) = try #require(received.first)
        #expect(received.count == 1)
        #expect(envelope["mail_from"] as? String == "salon@example.com")
        #expect(!raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF line endings only")
        // Headers unfolded (RFC 5322 §2.2.3).
        let headers = raw.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: " ")
        #expect(headers.contains("\r\nTo: <\(to)>"))
        #expect(headers.contains("From: =?UTF-8?B?"))
        #expect(headers.contains("Subject: =?UTF-8?B?"))
        #expect(headers.contains("Message-ID: <") && headers.contains("@example.com>"))
        #expect(headers.contains("Date: "))
        #expect(headers.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
        #expect(headers.contains("List-Unsubscribe: <https://campaigns.example.com/unsubscribe/"))
        #expect(headers.contains("<mailto:salon@example.com?subject=unsubscribe>"))
        #expect(headers.contains("multipart/alternative"))
        #expect(raw.contains("Content-Type: text/plain; charset=utf-8") && raw.contains("Content-Type: text/html; charset=utf-8"))
        // The link's token decodes to this tenant, channel, address and campaign.
        let link = try #require(headers.components(separatedBy: "/unsubscribe/").last?.components(separatedBy: ">").first)
        let token = try #require(UnsubscribeToken.decode(link, secret: "a-test-secret-of-32-characters!!"))
        #expect(token == UnsubscribeToken(scope: .tenant(3), channel: .email, address: to, campaignID: 12))
    }

    @Test func aTenantsOwnSMTPHostNeverReachesAnInternalAddress() async throws {
        let server = try SMTPSenderTestsServer.fromEnvironment()
        let transport = CurlTransport(policy: TransportPolicy(totalTimeout: 10), threads: 2)
        defer { Task { await transport.shutdown() } }
        // The test server listens on 127.0.0.1: a tenant naming it (by address or by a name that
        // resolves there) is refused before any connection, with the setting to fix.
        for host in ["127.0.0.1", "localhost", "::1", "0.0.0.0"] {
            let account = SMTPAccount(
                host: host, port: server.port, security: .none, username: server.user, password: server.password,
                senderEmail: "salon@example.com", senderName: nil, level: .tenant)
            let sender = SMTPSender(
                transport: transport, providers: StaticProviders(accountSID: "AC1", authToken: "t", smtp: account),
                publicURL: nil, secret: "a-test-secret-of-32-characters!!", clock: SystemClock(), logger: Logger(label: "test"))
            let to = "ssrf-\(UUID().uuidString.prefix(8))@example.com"
            let outcome = await sender.send(Self.message(to))
            guard case .permanent(let code, let message, false) = outcome else {
                Issue.record("\(host): \(outcome)")
                continue
            }
            #expect(code.rawValue == StatusReason.providerNotConfigured.rawValue && message.contains("SMTP host in Booknetic → Settings → Email"))
            #expect(try server.received(for: to).isEmpty, "\(host): nothing reached the server")
        }
        // The WordPress administrator's global host is trusted, and so is a tenant's when
        // BKNTC_ALLOW_PRIVATE_SMTP=1.
        for (level, allowed) in [(SettingsLevel.global, false), (.tenant, true)] {
            let account = SMTPAccount(
                host: "127.0.0.1", port: server.port, security: .none, username: server.user, password: server.password,
                senderEmail: "salon@example.com", senderName: nil, level: level)
            var sender = SMTPSender(
                transport: transport, providers: StaticProviders(accountSID: "AC1", authToken: "t", smtp: account),
                publicURL: nil, secret: "a-test-secret-of-32-characters!!", clock: SystemClock(), logger: Logger(label: "test"))
            sender.allowPrivateHosts = allowed
            let to = "trusted-\(UUID().uuidString.prefix(8))@example.com"
            guard case .sent = await sender.send(Self.message(to)) else {
                Issue.record("\(level) \(allowed): not sent")
                continue
            }
            #expect(try server.received(for: to).count == 1)
        }
    }

    @Test func startTLSWithAnExplicitlyTrustedCertificateAndReusedConnection() async throws {
        let server = try SMTPSenderTestsServer.fromEnvironment()
        let (sender, transport) = Self.sender(server, security: .tls, port: server.tlsPort)
        let first = "tls1.\(UUID().uuidString.prefix(8))@example.com"
        let second = "tls2.\(UUID().uuidString.prefix(8))@example.com"
        guard case .sent = await sender.send(Self.message(first)), case .sent = await sender.send(Self.message(second)) else {
            Issue.record("not sent over STARTTLS")
            await transport.shutdown()
            return
        }
        await transport.shutdown()
        let a = try #require(try server.received(for: first).first?.envelope)
        let b = try #require(try server.received(for: second).first?.envelope)
        #expect(a["tls"] as? Bool == true && b["tls"] as? Bool == true)
        #expect(a["peer"] as? String == b["peer"] as? String, "the second message reused the connection")

        // Without trusting the certificate, verification fails: nothing is sent.
        let (untrusting, other) = Self.sender(server, security: .tls, port: server.tlsPort, trust: false)
        let third = "tls3.\(UUID().uuidString.prefix(8))@example.com"
        let outcome = await untrusting.send(Self.message(third))
        await other.shutdown()
        guard case .retryable("smtp_connection", _, _) = outcome else {
            Issue.record("untrusted certificate gave \(outcome)")
            return
        }
        #expect(try server.received(for: third).isEmpty)
    }

    @Test func replyCodesAreClassified() async throws {
        let server = try SMTPSenderTestsServer.fromEnvironment()
        let (sender, transport) = Self.sender(server, security: .none, port: server.port)
        guard case .permanent("smtp_550", _, true) = await sender.send(Self.message("unknown@example.com")) else {
            Issue.record("550 user unknown must be permanent and suppress")
            await transport.shutdown()
            return
        }
        guard case .retryable("smtp_451", _, nil) = await sender.send(Self.message("busy@example.com")) else {
            Issue.record("451 must be retryable")
            await transport.shutdown()
            return
        }
        await transport.shutdown()
    }
}
