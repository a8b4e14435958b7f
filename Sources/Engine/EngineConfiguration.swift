import Campaigns
import Foundation

/// How the engine sends (DESIGN §6 and §8).
public struct EngineConfiguration: Sendable {
    /// This replica's name in `claimed_by`.
    public var workerID: String
    /// Rows per campaign per cron tick (`BKNTC_BATCH_SIZE`, Booknetic's 25).
    public var batchSize: Int
    /// Campaigns per cron tick (`BKNTC_CAMPAIGNS_PER_TICK`, Booknetic's 5).
    public var campaignsPerTick: Int
    public var retry: RetryPolicy
    /// Provider calls in flight at once (`BKNTC_SEND_CONCURRENCY`).
    public var concurrency: Int
    /// Messages per second per sender (`BKNTC_RATE_LIMIT`); nil = as fast as the provider answers.
    public var rateLimit: Double?
    /// A row `sending` longer than this is resolved by recovery (`BKNTC_SENDING_LEASE`).
    public var lease: TimeInterval
    /// Total time one provider call may take (`BKNTC_PROVIDER_TIMEOUT`).
    public var providerTimeout: TimeInterval
    /// The allowed window for SMS and WhatsApp from `BKNTC_QUIET_HOURS` (`.never` = off); nil =
    /// not set, so the default 08:00–21:00 applies. A tenant's own setting wins either way.
    public var quietHours: QuietHours?
    /// Rows the worker claims per campaign per round.
    public var workerBatchSize: Int
    /// 429s a row may get without spending an attempt (`BKNTC_THROTTLE_RETRIES`); after that a
    /// 429 is a retryable failure, so a recipient throttled for ever still ends.
    public var throttleRetries: Int
    /// `BKNTC_PUBLIC_URL` without a trailing slash: tracked links and the open image live under
    /// it (DESIGN §18); nil = nothing is tracked.
    public var publicURL: String?

    public init(
        workerID: String = EngineConfiguration.defaultWorkerID(), batchSize: Int = 25, campaignsPerTick: Int = 5,
        retry: RetryPolicy = RetryPolicy(delays: [120, 240]), concurrency: Int = 4, rateLimit: Double? = nil,
        lease: TimeInterval = 120, providerTimeout: TimeInterval = 30, quietHours: QuietHours? = nil,
        workerBatchSize: Int? = nil, throttleRetries: Int = 5, publicURL: String? = nil
    ) {
        var base = publicURL
        while let url = base, url.hasSuffix("/") { base = String(url.dropLast()) }
        self.publicURL = base.flatMap { $0.isEmpty ? nil : $0 }
        self.throttleRetries = max(0, throttleRetries)
        self.workerID = workerID
        self.batchSize = batchSize
        self.campaignsPerTick = campaignsPerTick
        self.retry = retry
        self.concurrency = max(1, concurrency)
        self.rateLimit = rateLimit
        self.lease = lease
        self.providerTimeout = providerTimeout
        self.quietHours = quietHours
        self.workerBatchSize = workerBatchSize ?? max(25, self.concurrency * 16)
    }

    /// `host:pid:random`, unique per process.
    public static func defaultWorkerID() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(32)
        return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(UInt32.random(in: 0...UInt32.max))"
    }
}
