import Logging
import MariaDB
import Server
import Testing

@Suite("Configuration from the environment")
struct ConfigurationTests {
    let base = ["BKNTC_DB_NAME": "wordpress", "BKNTC_SECRET": "0123456789abcdef"]

    func parse(_ extra: [String: String], requireSecret: Bool = true) -> Result<ServiceConfiguration, ConfigurationError> {
        Result { () throws(ConfigurationError) in
            try ServiceConfiguration.fromEnvironment(base.merging(extra) { $1 }, requireSecret: requireSecret)
        }
    }

    @Test func defaultsFollowTheContract() throws {
        let config = try parse([:]).get()
        #expect(config.database.host == "127.0.0.1" && config.database.port == 3306 && config.database.user == "root")
        #expect(config.prefix.value == "wp_")
        #expect(config.saas == nil)
        #expect(config.listenHost == "127.0.0.1" && config.listenPort == 8080)
        #expect(config.twilioAPIBase == "https://api.twilio.com")
        #expect(config.provider == .live)
        #expect(config.batchSize == 25 && config.campaignsPerTick == 5 && config.retryDelays == [120, 240])
        #expect(config.workerEnabled)
        #expect(config.defaultCountryCode == nil)
        #expect(config.maskAddresses == false)
        #expect(config.database.sessionStatements == [ServiceConfiguration.sessionTuning])
        #expect(config.httpIdleTimeout == 60)
        #expect(config.trustedProxies.isEmpty)
    }

    @Test func theHTTPLayersVariablesAreRead() throws {
        let config = try parse(["BKNTC_HTTP_IDLE_TIMEOUT": "15", "BKNTC_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1,2001:db8::/32"]).get()
        #expect(config.httpIdleTimeout == 15)
        #expect(config.trustedProxies.contains("10.9.8.7") && config.trustedProxies.contains("192.0.2.1"))
        #expect(config.trustedProxies.contains("2001:db8::1") && !config.trustedProxies.contains("192.0.2.2"))
    }

    @Test func theConnectionQueueIsBoundedForRequestsOnly() throws {
        #expect(try parse([:]).get().database.maxWaiters == 32, "4 × the default pool of 8")
        #expect(try parse(["BKNTC_DB_POOL_SIZE": "3"]).get().database.maxWaiters == 12)
        #expect(try parse(["BKNTC_DB_MAX_WAITERS": "5"]).get().database.maxWaiters == 5)
        guard case .failure = parse(["BKNTC_DB_MAX_WAITERS": "0"]) else {
            Issue.record("a queue of 0 would refuse every request that has to wait")
            return
        }
    }

    @Test func everyVariableIsRead() throws {
        let config = try parse([
            "BKNTC_DB_HOST": "db.local", "BKNTC_DB_PORT": "3307", "BKNTC_DB_SOCKET": "/run/mysqld.sock",
            "BKNTC_DB_USER": "campaigns", "BKNTC_DB_PASSWORD": "p w", "BKNTC_TABLE_PREFIX": "wpx_", "BKNTC_SAAS": "on",
            "BKNTC_LISTEN": "0.0.0.0:9090", "BKNTC_PUBLIC_URL": "https://campaigns.example.com",
            "BKNTC_TWILIO_API_BASE": "http://127.0.0.1:4010", "BKNTC_PROVIDER": "outbox", "BKNTC_DEFAULT_COUNTRY_CODE": "+44",
            "BKNTC_BATCH_SIZE": "50", "BKNTC_CAMPAIGNS_PER_TICK": "3", "BKNTC_RETRY_DELAYS": "60, 300, 900",
            "BKNTC_WORKER": "off", "BKNTC_SEND_CONCURRENCY": "8", "BKNTC_RATE_LIMIT": "2.5", "BKNTC_MASK_ADDRESSES": "yes",
        ]).get()
        #expect(config.database.host == "db.local" && config.database.port == 3307 && config.database.socket == "/run/mysqld.sock")
        #expect(config.database.user == "campaigns" && config.database.password == "p w")
        #expect(config.prefix.value == "wpx_" && config.saas == true)
        #expect(config.listenHost == "0.0.0.0" && config.listenPort == 9090)
        #expect(config.publicURL == "https://campaigns.example.com" && config.twilioAPIBase == "http://127.0.0.1:4010")
        #expect(config.provider == .outbox && config.defaultCountryCode == "44")
        #expect(config.batchSize == 50 && config.campaignsPerTick == 3 && config.retryDelays == [60, 300, 900])
        #expect(!config.workerEnabled && config.sendConcurrency == 8 && config.rateLimit == 2.5 && config.maskAddresses)
        // The router's dependencies carry the masking default (no connection is opened here).
        let pool = MariaDBPool(configuration: config.database, logger: Logger(label: "test"))
        #expect(AppDependencies.live(config: config, pool: pool, saas: true).maskAddresses)
    }

    @Test func mistakesNameTheVariable() {
        let cases: [([String: String], String)] = [
            (["BKNTC_SECRET": ""], "BKNTC_SECRET"),
            (["BKNTC_SECRET": "short"], "BKNTC_SECRET"),
            (["BKNTC_DB_NAME": ""], "BKNTC_DB_NAME"),
            (["BKNTC_DB_PORT": "99999"], "BKNTC_DB_PORT"),
            (["BKNTC_DB_PORT": "abc"], "BKNTC_DB_PORT"),
            (["BKNTC_TABLE_PREFIX": "wp-; DROP"], "BKNTC_TABLE_PREFIX"),
            (["BKNTC_LISTEN": "8080"], "BKNTC_LISTEN"),
            (["BKNTC_PROVIDER": "carrier-pigeon"], "BKNTC_PROVIDER"),
            (["BKNTC_SAAS": "maybe"], "BKNTC_SAAS"),
            (["BKNTC_RETRY_DELAYS": "120,-1"], "BKNTC_RETRY_DELAYS"),
            (["BKNTC_RATE_LIMIT": "0"], "BKNTC_RATE_LIMIT"),
            (["BKNTC_DEFAULT_COUNTRY_CODE": "UK"], "BKNTC_DEFAULT_COUNTRY_CODE"),
            (["BKNTC_BATCH_SIZE": "0"], "BKNTC_BATCH_SIZE"),
            (["BKNTC_HTTP_IDLE_TIMEOUT": "0"], "BKNTC_HTTP_IDLE_TIMEOUT"),
            (["BKNTC_HTTP_IDLE_TIMEOUT": "1m"], "BKNTC_HTTP_IDLE_TIMEOUT"),
            (["BKNTC_TRUSTED_PROXIES": "10.0.0.0/33"], "BKNTC_TRUSTED_PROXIES"),
            (["BKNTC_TRUSTED_PROXIES": "proxy.internal"], "BKNTC_TRUSTED_PROXIES"),
            (["BKNTC_TRUSTED_PROXIES": "10.0.0.1,,10.0.0.2"], "BKNTC_TRUSTED_PROXIES"),
        ]
        for (env, variable) in cases {
            switch parse(env) {
            case .success: Issue.record("\(env) should be refused")
            case .failure(let error): #expect(error.description.hasPrefix(variable), "\(error.description)")
            }
        }
        // migrate and demo-data need no secret.
        #expect((try? parse(["BKNTC_SECRET": ""], requireSecret: false).get()) != nil)
    }
}
