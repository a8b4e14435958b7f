import Campaigns
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
    let queueDepth: (@Sendable () async throws -> [Channel: Int])?

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public init(pool: MariaDBPool?, queueDepth: (@Sendable () async throws -> [Channel: Int])? = nil) {
        self.pool = pool
        self.queueDepth = queueDepth
        for channel in Channel.allCases {
            for outcome in ["sent", "failed", "skipped"] {
                _ = messages(channel: channel, outcome: outcome)
            }
        }
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

    /// Messages handled, by channel and outcome (the sending engine increments these).
    public func messages(channel: Channel, outcome: String) -> Counter {
        registry.makeCounter(
            descriptor: .init(namespace: "bkntc", metricName: "messages", unitName: "total", helpText: "Messages by channel and outcome"),
            labels: [("channel", channel.rawValue), ("outcome", outcome)])
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
        if let queueDepth, let depth = try? await queueDepth() {
            for channel in Channel.allCases {
                gauge("queue_depth", "Pending recipients of active campaigns", [("channel", channel.rawValue)])
                    .set(Double(depth[channel] ?? 0))
            }
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
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
