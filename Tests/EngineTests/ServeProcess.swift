import CampaignStore
import Foundation

/// Starts the real `bkntc-campaigns serve` built next to the test bundle, on a free port,
/// against a test database, appending its output to `log` (crash and soak tests).
enum ServeProcess {
    static var binary: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent().appendingPathComponent("bkntc-campaigns")
    }

    static func start(database: String, prefix: TablePrefix, environment overrides: [String: String], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve"]
        var environment = ProcessInfo.processInfo.environment
        environment["BKNTC_DB_NAME"] = database
        environment["BKNTC_TABLE_PREFIX"] = prefix.value
        environment["BKNTC_LISTEN"] = "127.0.0.1:0"
        environment["BKNTC_SAAS"] = "off"
        environment["BKNTC_QUIET_HOURS"] = "off"
        environment["BKNTC_DEFAULT_COUNTRY_CODE"] = "44"
        environment.merge(overrides) { _, override in override }
        process.environment = environment
        // O_APPEND: replicas write the same log, each line at its end, none over another's.
        let descriptor = open(log.path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }
}
