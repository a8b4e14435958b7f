import CampaignStore
import Campaigns
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import MariaDB
import Prometheus

/// The Prometheus metrics of the service, served at `GET /metrics`.
///
/// Request counters and latency are recorded by `MetricsRecorder`; database pool usage and
/// queue depth are read when scraped, so they are never stale.
public final class ServiceMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let pool: MariaDBPool?
    let queueStatistics: (@Sendable () async throws -> QueueStatistics)?
    let engine: EngineMetrics?

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public init(
        pool: MariaDBPool?, engine: EngineMetrics? = nil, queueStatistics: (@Sendable () async throws -> QueueStatistics)? = nil
    ) {
        self.pool = pool
        self.engine = engine
        self.queueStatistics = queueStatistics
    }

    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: .init(namespace: "bkntc", metricName: "http_requests", unitName: "total", helpText: "HTTP requests by route and status"),
            labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "bkntc", metricName: "http_request_duration", unitName: "seconds", helpText: "HTTP request latency"),
            labels: [("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// The exposition text, with gauges refreshed first.
    func scrape() async -> [UInt8] {
        if let pool {
            let stats = await pool.statistics()
            for (state, value) in [("open", stats.open), ("in_use", stats.inUse), ("idle", stats.idle), ("waiting", stats.waiting)] {
                gauge("db_pool_connections", "Database pool connections by state", [("state", state)]).set(Double(value))
            }
            gauge("db_pool_max_connections", "Database pool size", []).set(Double(stats.maxConnections))
        }
        if let queueStatistics, let queue = try? await queueStatistics() {
            for channel in Channel.allCases {
                gauge("queue_depth", "Pending recipients of active campaigns", [("channel", channel.rawValue)])
                    .set(Double(queue.depth[channel] ?? 0))
                gauge("queue_due", "Pending recipients due now", [("channel", channel.rawValue)]).set(Double(queue.due[channel] ?? 0))
            }
            gauge("queue_oldest_due_seconds", "How long the oldest due recipient has waited", []).set(queue.oldestDueAge)
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        if let engine { buffer += Array(Self.exposition(engine.snapshot()).utf8) }
        return buffer
    }

    /// The engine's counters and histograms in the Prometheus text format.
    static func exposition(_ snapshot: EngineMetrics.Snapshot) -> String {
        var text = "# HELP bkntc_engine_claimed_total Rows claimed by this replica\n# TYPE bkntc_engine_claimed_total counter\n"
        text += "bkntc_engine_claimed_total \(snapshot.claimed)\n"
        text += "# HELP bkntc_engine_claim_seconds Time to claim a batch\n# TYPE bkntc_engine_claim_seconds summary\n"
        text += "bkntc_engine_claim_seconds_sum \(snapshot.claimLatencySum)\nbkntc_engine_claim_seconds_count \(snapshot.claimCount)\n"
        text += "# HELP bkntc_engine_sends_total Rows by channel and outcome\n# TYPE bkntc_engine_sends_total counter\n"
        for (key, count) in snapshot.outcomes.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "/")
            text += "bkntc_engine_sends_total{channel=\"\(parts[0])\",outcome=\"\(parts[1])\"} \(count)\n"
        }
        text += "# HELP bkntc_provider_call_seconds Provider call latency\n# TYPE bkntc_provider_call_seconds histogram\n"
        var cumulative = 0
        for (index, bound) in EngineMetrics.buckets.enumerated() {
            cumulative += snapshot.providerLatency[index]
            text += "bkntc_provider_call_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        text += "bkntc_provider_call_seconds_bucket{le=\"+Inf\"} \(snapshot.providerCalls)\n"
        text += "bkntc_provider_call_seconds_sum \(snapshot.providerLatencySum)\nbkntc_provider_call_seconds_count \(snapshot.providerCalls)\n"
        text += "# HELP bkntc_engine_send_rate Messages per second over the last minute\n# TYPE bkntc_engine_send_rate gauge\n"
        text += "bkntc_engine_send_rate \(Double(snapshot.sentLastMinute) / 60)\n"
        return text
    }

    /// The event streams' gauges (DESIGN §17), read from the hub when scraped.
    func recordEventStreams(_ hub: ProgressHub) async {
        let counts = await hub.subscriberCounts()
        gauge("event_streams", "Open progress event streams", []).set(Double(counts.values.reduce(0, +)))
        gauge("event_pollers", "Progress pollers (one database read per interval each)", []).set(Double(counts.count))
    }

    private func gauge(_ name: String, _ help: String, _ labels: [(String, String)]) -> Gauge {
        registry.makeGauge(descriptor: .init(namespace: "bkntc", metricName: name, unitName: "", helpText: help), labels: labels)
    }
}

/// Records every request's route template, status and latency.
struct MetricsRecorder: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: Int(response.status.code),
            duration: ContinuousClock.now - started)
        return response
    }
}
