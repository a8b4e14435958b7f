import Foundation
import Testing

/// The real SMTP server Scripts/test starts (aiosmtpd), and the messages it received.
public struct SMTPSenderTestsServer: Sendable {
    public let directory: URL
    public let port: Int
    public let tlsPort: Int
    public let caFile: String
    public let user: String
    public let password: String

    public static func fromEnvironment() throws -> SMTPSenderTestsServer {
        let env = ProcessInfo.processInfo.environment
        guard let dir = env["BKNTC_TEST_SMTP_DIR"], let port = env["BKNTC_TEST_SMTP_PORT"].flatMap(Int.init),
            let tlsPort = env["BKNTC_TEST_SMTP_TLS_PORT"].flatMap(Int.init), let ca = env["BKNTC_TEST_SMTP_CA"]
        else {
            try Test.cancel("needs the test SMTP server: run Scripts/test, which starts one (BKNTC_TEST_SMTP_* are not set)")
        }
        return SMTPSenderTestsServer(
            directory: URL(fileURLWithPath: dir).appendingPathComponent("mail"), port: port, tlsPort: tlsPort, caFile: ca,
            user: env["BKNTC_TEST_SMTP_USER"] ?? "mailer", password: env["BKNTC_TEST_SMTP_PASSWORD"] ?? "mailer-secret")
    }

    /// Messages received for `address` since `since` (raw bytes, envelope).
    public func received(for address: String) throws -> [(raw: String, envelope: [String: Any])] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return try files.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(name))) as? [String: Any] ?? [:]
            guard (envelope["rcpt_tos"] as? [String])?.contains(address) == true else { return nil }
            let eml = directory.appendingPathComponent(name.replacingOccurrences(of: ".json", with: ".eml"))
            return (String(decoding: try Data(contentsOf: eml), as: UTF8.self), envelope)
        }
    }
}
