import ArgumentParser
import Foundation
import Server

/// `bkntc-campaigns sign`: signs as the WordPress bridge does, with `BKNTC_SECRET`, for scripts
/// and test harnesses (one implementation, checked against `Tests/Vectors/signing.json`).
struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a request, or mint an admin UI launch token, as the WordPress bridge does (BKNTC_SECRET).",
        subcommands: [Request.self, Launch.self])

    static func secret() throws -> String {
        guard let secret = ProcessInfo.processInfo.environment["BKNTC_SECRET"], !secret.isEmpty else {
            throw CommandFailure("BKNTC_SECRET is not set: sign with the secret the service runs with")
        }
        return secret
    }

    /// Prints the four `X-Bkntc-*` headers, one `Name: value` per line (for `curl -H @file`, or read
    /// line by line), for METHOD PATH with the body read from `--body` or `--body-file` (`-` = stdin).
    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the X-Bkntc-* headers of a signed request.")

        @Argument(help: "The HTTP method, e.g. POST.") var method: String
        @Argument(help: "The path with its query string, exactly as sent, e.g. /api/v1/campaigns?page=2.") var path: String
        @Option(help: "X-Bkntc-Tenant (empty for a single site or the cron tick).") var tenant = ""
        @Option(help: "X-Bkntc-User (empty for the cron tick).") var user = ""
        @Option(help: "The request body, exactly as sent.") var body: String?
        @Option(help: "A file holding the body exactly as sent; - reads standard input.") var bodyFile: String?
        @Option(help: "Unix time to sign at (default: now).") var timestamp: Int?

        func validate() throws {
            if body != nil && bodyFile != nil { throw ValidationError("give --body or --body-file, not both") }
        }

        func run() throws {
            let data: Data
            switch bodyFile {
            case "-": data = FileHandle.standardInput.readDataToEndOfFile()
            case let file?:
                guard let contents = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
                data = contents
            case nil: data = Data((body ?? "").utf8)
            }
            let headers = BridgeSigning.headers(
                secret: try Sign.secret(), method: method.uppercased(), pathAndQuery: path, tenant: tenant, user: user, body: data,
                timestamp: timestamp ?? Int(Date().timeIntervalSince1970))
            for header in headers { print("\(header.name): \(header.value)") }
        }
    }

    /// Prints a launch token for `POST /api/v1/sessions` (or `/admin/#launch=…`).
    struct Launch: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an admin UI launch token (single use, 120 s at most).")

        @Option(help: "The tenant id; leave out for a single site.") var tenant: Int?
        @Option(help: "The WordPress user id.") var user = 1
        @Option(help: "Seconds the token lives (at most 120).") var lifetime = 120

        func validate() throws {
            guard (1...120).contains(lifetime) else { throw ValidationError("--lifetime must be between 1 and 120 seconds") }
            guard user > 0 else { throw ValidationError("--user must be a WordPress user id") }
        }

        func run() throws {
            print(
                BridgeSigning.launchToken(
                    secret: try Sign.secret(), tenant: tenant, user: user, issuedAt: Int(Date().timeIntervalSince1970), lifetime: lifetime))
        }
    }
}
