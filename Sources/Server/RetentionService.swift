import CampaignStore
import Logging
import ServiceLifecycle

/// Runs the log retention in the background (DESIGN §20): a first pass soon after start, then
/// every hour, until graceful shutdown. A pass that fails (the database away) is tried again at
/// the next hour; it never stops the service.
struct RetentionService: Service {
    let retention: LogRetention
    let logger: Logger
    var firstPass: Duration = .seconds(30)
    var interval: Duration = .seconds(3_600)

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: firstPass)
            while !Task.isCancelled {
                do {
                    let pass = try await retention.runOnce()
                    if pass.rows > 0 {
                        logger.info(
                            "retention deleted the log rows of ended runs",
                            metadata: [
                                "days": "\(retention.days)", "runs": "\(pass.runs)", "rows": "\(pass.rows)",
                                "longest_batch_ms":
                                    "\(pass.longestBatch.components.seconds * 1000 + pass.longestBatch.components.attoseconds / 1_000_000_000_000_000)",
                            ])
                    }
                } catch {
                    logger.warning("retention pass failed; next in an hour", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
