import CampaignStore
import Campaigns
import Engine
import Foundation
import MariaDB
import Messaging

/// A configuration value that is missing or malformed; the message names the variable.
public enum ConfigurationError: Error, Sendable, CustomStringConvertible {
    case missing(variable: String, hint: String)
    case invalid(variable: String, expected: String)

    public var description: String {
        switch self {
        case .missing(let variable, let hint): "\(variable) is not set: \(hint)"
        case .invalid(let variable, let expected): "\(variable) is invalid: expected \(expected)"
        }
    }
}

/// How messages leave the service.
public enum ProviderMode: String, Sendable {
    /// Real providers (Twilio, SMTP) configured in Booknetic's settings.
    case live
    /// Messages are recorded locally instead of sent (demo and development only).
    case outbox
}

/// The service's settings, read from the `BKNTC_*` environment variables of DESIGN §8.
public struct ServiceConfiguration: Sendable {
    public var database: MariaDBConfiguration
    public var prefix: TablePrefix
    /// nil = detect from the presence of `{prefix}bkntc_tenants`.
    public var saas: Bool?
    public var secret: String
    public var listenHost: String
    public var listenPort: Int
    public var publicURL: String?
    public var twilioAPIBase: String
    public var provider: ProviderMode
    public var defaultCountryCode: String?
    public var batchSize: Int
    public var campaignsPerTick: Int
    public var retryDelays: [Int]
    public var workerEnabled: Bool
    public var sendConcurrency: Int
    public var rateLimit: Double?
    /// API requests per second per caller (`BKNTC_API_RATE_LIMIT`, default 20) and the burst
    /// allowed on top (`BKNTC_API_RATE_BURST`, default 200).
    public var apiRateLimit: Double
    public var apiRateBurst: Double
    /// Whether preview samples mask addresses unless a request says otherwise (`BKNTC_MASK_ADDRESSES`).
    public var maskAddresses: Bool = false
    /// Seconds a row may stay `sending` before recovery resolves it (`BKNTC_SENDING_LEASE`).
    public var sendingLease: Int = 120
    /// Seconds one provider call may take in total (`BKNTC_PROVIDER_TIMEOUT`).
    public var providerTimeout: Int = 30
    /// The allowed window for SMS and WhatsApp (`BKNTC_QUIET_HOURS`; `off` = `.never`); nil =
    /// not set (the default 08:00–21:00, which a tenant's setting may change).
    public var quietHours: QuietHours?
    /// Connections of the engine's own pool (`BKNTC_ENGINE_POOL_SIZE`): two worker lanes,
    /// housekeeping and the tick.
    public var enginePoolSize: Int = 4
    /// 429s a row may get without spending an attempt (`BKNTC_THROTTLE_RETRIES`, DESIGN §6).
    public var throttleRetries: Int = 5
    /// Test sends a tenant may make per channel per day in its zone (`BKNTC_TEST_SENDS_PER_DAY`).
    public var testSendsPerDay: Int = 50
    /// `BKNTC_LOG_RETENTION_DAYS`: days log rows of an ended run are kept (0 = for ever).
    public var logRetentionDays: Int = 730
    /// A tenant's own SMTP host may be on a private, loopback or link-local address
    /// (`BKNTC_ALLOW_PRIVATE_SMTP=1`); off by default, so a tenant cannot reach the service's network.
    public var allowPrivateSMTP = false
    /// `BKNTC_TWILIO_API_BASE` is a plain-http loopback URL (a local fake): only then is http allowed.
    public var twilioAllowsPlainHTTP = false
    /// `BKNTC_SMTP_CA_FILE`: an extra CA bundle to trust for SMTP and Twilio (verification stays on).
    public var caFile: String?
    /// `BKNTC_ADMIN_FRAME_ANCESTORS`: origins allowed to embed `/admin/` (e.g. the WordPress
    /// site), space- or comma-separated; empty = only the service itself.
    public var adminFrameAncestors: [String] = []
    /// `BKNTC_HTTP_IDLE_TIMEOUT`: seconds a connection may send nothing, or take to complete a
    /// request's head or body, or leave its answer unread, before it is closed.
    public var httpIdleTimeout = 60
    /// `BKNTC_TRUSTED_PROXIES`: the proxies whose `X-Forwarded-For` names the client.
    public var trustedProxies = TrustedProxies.none

    public init(
        database: MariaDBConfiguration, prefix: TablePrefix = .wordpressDefault, saas: Bool? = nil,
        secret: String, listenHost: String = "127.0.0.1", listenPort: Int = 8080, publicURL: String? = nil,
        twilioAPIBase: String = "https://api.twilio.com", provider: ProviderMode = .live,
        defaultCountryCode: String? = nil, batchSize: Int = 25, campaignsPerTick: Int = 5,
        retryDelays: [Int] = [120, 240], workerEnabled: Bool = true, sendConcurrency: Int = 4,
        rateLimit: Double? = nil, apiRateLimit: Double = 20, apiRateBurst: Double = 200
    ) {
        self.apiRateLimit = apiRateLimit
        self.apiRateBurst = apiRateBurst
        self.database = database
        self.prefix = prefix
        self.saas = saas
        self.secret = secret
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.publicURL = publicURL
        self.twilioAPIBase = twilioAPIBase
        self.provider = provider
        self.defaultCountryCode = defaultCountryCode
        self.batchSize = batchSize
        self.campaignsPerTick = campaignsPerTick
        self.retryDelays = retryDelays
        self.workerEnabled = workerEnabled
        self.sendConcurrency = sendConcurrency
        self.rateLimit = rateLimit
    }

    /// The limits of every outbound provider call: TLS verification is always on; plain http
    /// only when `BKNTC_TWILIO_API_BASE` is a loopback http URL (a local fake).
    public var transportPolicy: TransportPolicy {
        TransportPolicy(totalTimeout: TimeInterval(providerTimeout), allowPlainHTTP: twilioAllowsPlainHTTP, caFile: caFile)
    }

    /// The engine's settings.
    public func engineConfiguration(workerID: String = EngineConfiguration.defaultWorkerID()) -> EngineConfiguration {
        EngineConfiguration(
            workerID: workerID, batchSize: batchSize, campaignsPerTick: campaignsPerTick, retry: RetryPolicy(delays: retryDelays),
            concurrency: sendConcurrency, rateLimit: rateLimit, lease: TimeInterval(sendingLease),
            providerTimeout: TimeInterval(providerTimeout), quietHours: quietHours, throttleRetries: throttleRetries, publicURL: publicURL)
    }

    /// Audience queries keep one row per customer in temporary tables; 64 MiB keeps 100k
    /// customers in memory instead of spilling to disk at the 16 MiB server default.
    public static let sessionTuning: RawSQL = "SET SESSION tmp_table_size = 67108864, max_heap_table_size = 67108864"

    /// Reads the environment. `requireSecret` is false for commands that never authenticate
    /// anyone (`migrate`, `demo-data`).
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment, requireSecret: Bool = true
    ) throws(ConfigurationError) -> ServiceConfiguration {
        func value(_ name: String) -> String? {
            guard let raw = env[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
            guard let raw = value(name) else { return fallback }
            guard let number = Int(raw), range.contains(number) else {
                throw .invalid(variable: name, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        func flag(_ name: String, default fallback: Bool?) throws(ConfigurationError) -> Bool? {
            guard let raw = value(name)?.lowercased() else { return fallback }
            switch raw {
            case "1", "on", "true", "yes": return true
            case "0", "off", "false", "no": return false
            default: throw .invalid(variable: name, expected: "on or off")
            }
        }

        let secret = value("BKNTC_SECRET") ?? ""
        if requireSecret {
            if secret.isEmpty {
                throw .missing(variable: "BKNTC_SECRET", hint: "set the secret shared with the WordPress bridge plugin (at least 16 characters)")
            }
            if secret.count < 16 { throw .invalid(variable: "BKNTC_SECRET", expected: "at least 16 characters") }
        }
        guard let databaseName = value("BKNTC_DB_NAME") else {
            throw .missing(variable: "BKNTC_DB_NAME", hint: "the WordPress database that holds Booknetic's tables")
        }
        var database = MariaDBConfiguration(
            host: value("BKNTC_DB_HOST") ?? "127.0.0.1",
            port: try integer("BKNTC_DB_PORT", default: 3306, range: 1...65535),
            socket: value("BKNTC_DB_SOCKET"),
            user: value("BKNTC_DB_USER") ?? "root",
            password: env["BKNTC_DB_PASSWORD"] ?? "",
            database: databaseName,
            maxConnections: try integer("BKNTC_DB_POOL_SIZE", default: 8, range: 1...256))
        database.sessionStatements = [Self.sessionTuning]
        database.acquireTimeout = Double(try integer("BKNTC_DB_ACQUIRE_TIMEOUT", default: 10, range: 1...300))
        // Requests waiting for a connection beyond these are answered 503 at once (load shedding).
        database.maxWaiters = try integer("BKNTC_DB_MAX_WAITERS", default: 4 * database.maxConnections, range: 1...100_000)
        let prefix: TablePrefix
        do {
            prefix = try TablePrefix(env["BKNTC_TABLE_PREFIX"] ?? "wp_")
        } catch {
            throw .invalid(variable: "BKNTC_TABLE_PREFIX", expected: "letters, digits and underscores")
        }
        let listen = value("BKNTC_LISTEN") ?? "127.0.0.1:8080"
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw .invalid(variable: "BKNTC_LISTEN", expected: "host:port, e.g. 127.0.0.1:8080") }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard let provider = ProviderMode(rawValue: value("BKNTC_PROVIDER")?.lowercased() ?? "live") else {
            throw .invalid(variable: "BKNTC_PROVIDER", expected: "live or outbox")
        }
        var retryDelays = [120, 240]
        if let raw = value("BKNTC_RETRY_DELAYS") {
            let parts = raw.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                throw .invalid(variable: "BKNTC_RETRY_DELAYS", expected: "comma-separated seconds, e.g. 120,240")
            }
            retryDelays = parts.compactMap { $0 }
        }
        var rateLimit: Double?
        if let raw = value("BKNTC_RATE_LIMIT") {
            guard let rate = Double(raw), rate >= 0.01, rate <= 100_000 else {
                throw .invalid(variable: "BKNTC_RATE_LIMIT", expected: "messages per second, from 0.01 to 100000")
            }
            rateLimit = rate
        }
        var countryCode: String?
        if let raw = value("BKNTC_DEFAULT_COUNTRY_CODE") {
            guard let code = AddressNormalizer.countryCode(raw) else {
                throw .invalid(variable: "BKNTC_DEFAULT_COUNTRY_CODE", expected: "a country calling code such as 44 or +1")
            }
            countryCode = code
        }
        var configuration = ServiceConfiguration(
            database: database, prefix: prefix, saas: try flag("BKNTC_SAAS", default: nil), secret: secret,
            listenHost: host.isEmpty ? "127.0.0.1" : host, listenPort: port,
            publicURL: value("BKNTC_PUBLIC_URL"),
            twilioAPIBase: value("BKNTC_TWILIO_API_BASE") ?? "https://api.twilio.com", provider: provider,
            defaultCountryCode: countryCode,
            batchSize: try integer("BKNTC_BATCH_SIZE", default: 25, range: 1...1000),
            campaignsPerTick: try integer("BKNTC_CAMPAIGNS_PER_TICK", default: 5, range: 1...100),
            retryDelays: retryDelays, workerEnabled: try flag("BKNTC_WORKER", default: true) ?? true,
            sendConcurrency: try integer("BKNTC_SEND_CONCURRENCY", default: 4, range: 1...64), rateLimit: rateLimit,
            apiRateLimit: Double(try integer("BKNTC_API_RATE_LIMIT", default: 20, range: 1...100_000)),
            apiRateBurst: Double(try integer("BKNTC_API_RATE_BURST", default: 200, range: 1...1_000_000)))
        configuration.maskAddresses = try flag("BKNTC_MASK_ADDRESSES", default: false) ?? false
        configuration.providerTimeout = try integer("BKNTC_PROVIDER_TIMEOUT", default: 30, range: 1...600)
        configuration.sendingLease = try integer("BKNTC_SENDING_LEASE", default: 120, range: 10...86_400)
        guard configuration.sendingLease > configuration.providerTimeout else {
            throw .invalid(variable: "BKNTC_SENDING_LEASE", expected: "more seconds than BKNTC_PROVIDER_TIMEOUT")
        }
        configuration.enginePoolSize = try integer("BKNTC_ENGINE_POOL_SIZE", default: 4, range: 3...64)
        configuration.throttleRetries = try integer("BKNTC_THROTTLE_RETRIES", default: 5, range: 0...100)
        configuration.testSendsPerDay = try integer("BKNTC_TEST_SENDS_PER_DAY", default: 50, range: 0...100_000)
        configuration.logRetentionDays = try integer("BKNTC_LOG_RETENTION_DAYS", default: 730, range: 0...36_500)
        configuration.allowPrivateSMTP = try flag("BKNTC_ALLOW_PRIVATE_SMTP", default: false) ?? false
        let base = URLComponents(string: configuration.twilioAPIBase)
        switch base?.scheme?.lowercased() {
        case "https" where base?.host?.isEmpty == false:
            break
        case "http" where ["127.0.0.1", "localhost", "::1", "[::1]"].contains(base?.host?.lowercased() ?? ""):
            configuration.twilioAllowsPlainHTTP = true
        default:
            throw .invalid(variable: "BKNTC_TWILIO_API_BASE", expected: "an https URL (http only on 127.0.0.1 or localhost, for a local fake)")
        }
        if let raw = configuration.publicURL {
            let url = URLComponents(string: raw)
            guard ["http", "https"].contains(url?.scheme?.lowercased() ?? ""), url?.host?.isEmpty == false else {
                throw .invalid(variable: "BKNTC_PUBLIC_URL", expected: "the service's public base URL, e.g. https://campaigns.example.com")
            }
        }
        if let file = value("BKNTC_SMTP_CA_FILE") {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw .invalid(variable: "BKNTC_SMTP_CA_FILE", expected: "a readable PEM file of CA certificates")
            }
            configuration.caFile = file
        }
        if let raw = value("BKNTC_ADMIN_FRAME_ANCESTORS") {
            let origins = raw.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            for origin in origins {
                let url = URLComponents(string: origin)
                guard ["http", "https"].contains(url?.scheme?.lowercased() ?? ""), url?.host?.isEmpty == false,
                    (url?.path ?? "").isEmpty || url?.path == "/", url?.query == nil,
                    origin.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != ";" && $0 != "'" })
                else {
                    throw .invalid(
                        variable: "BKNTC_ADMIN_FRAME_ANCESTORS",
                        expected: "origins such as https://salon.example.com, separated by spaces or commas")
                }
                configuration.adminFrameAncestors.append(origin.hasSuffix("/") ? String(origin.dropLast()) : origin)
            }
        }
        configuration.httpIdleTimeout = try integer("BKNTC_HTTP_IDLE_TIMEOUT", default: 60, range: 1...86_400)
        if let raw = value("BKNTC_TRUSTED_PROXIES") {
            guard let proxies = TrustedProxies(raw) else {
                throw .invalid(
                    variable: "BKNTC_TRUSTED_PROXIES", expected: "comma-separated IP addresses or CIDR ranges, e.g. 10.0.0.0/8, 2001:db8::/32")
            }
            configuration.trustedProxies = proxies
        }
        if let raw = value("BKNTC_QUIET_HOURS") {
            if raw.lowercased() == "off" {
                configuration.quietHours = .never
            } else {
                guard let window = QuietHours(parsing: raw) else {
                    throw .invalid(variable: "BKNTC_QUIET_HOURS", expected: "HH:MM-HH:MM (the allowed window, e.g. 08:00-21:00) or off")
                }
                configuration.quietHours = window
            }
        }
        return configuration
    }
}
