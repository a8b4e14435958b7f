import Foundation
import MariaDB

/// A MariaDB server of a test's own, in a temporary directory on a free port (the same flags as
/// `Scripts/lib/mariadb.sh`), for a test that crashes and restarts the server mid-run without
/// disturbing the suites that share the script's server.
public final class PrivateMariaDBServer: @unchecked Sendable {
    public let directory: URL
    public let port: Int
    private var process: Process?
    private let lock = NSLock()

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Installs a data directory and starts the server with a `bkntc` user (password `bkntc`).
    public static func start() async throws -> PrivateMariaDBServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bkntc-own-mariadb-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        let root = getuid() == 0 ? ["--user=root"] : []
        try run(
            "mariadb-install-db",
            ["--no-defaults", "--datadir=\(directory.path)/data", "--auth-root-authentication-method=socket", "--skip-test-db"] + root)
        let server = PrivateMariaDBServer(directory: directory, port: try freePort())
        try await server.launch()
        try run(
            "mariadb",
            [
                "--no-defaults", "--socket=\(server.socketPath)", "-uroot", "-e",
                "CREATE USER 'bkntc'@'127.0.0.1' IDENTIFIED BY 'bkntc'; GRANT ALL PRIVILEGES ON *.* TO 'bkntc'@'127.0.0.1';",
            ])
        return server
    }

    private init(directory: URL, port: Int) {
        self.directory = directory
        self.port = port
    }

    var socketPath: String { directory.appendingPathComponent("mysqld.sock").path }

    /// The server's address with `database` selected.
    public func configuration(database: String, maxConnections: Int = 8) -> MariaDBConfiguration {
        MariaDBConfiguration(
            host: "127.0.0.1", port: port, socket: nil, user: "bkntc", password: "bkntc", database: database, connectTimeout: 5,
            readWriteTimeout: 120, maxConnections: maxConnections)
    }

    /// The variables a `serve` child process needs to reach this server instead of the script's.
    public var environment: [String: String] {
        ["BKNTC_DB_HOST": "127.0.0.1", "BKNTC_DB_PORT": "\(port)", "BKNTC_DB_SOCKET": "", "BKNTC_DB_USER": "bkntc", "BKNTC_DB_PASSWORD": "bkntc"]
    }

    /// SIGKILLs the server (a crash: InnoDB recovers on the next start) and starts it again on
    /// the same port and data; returns how long it was away.
    public func crashAndRestart() async throws -> Duration {
        let began = ContinuousClock.now
        if let running = lock.withLock({ process }) {
            kill(running.processIdentifier, SIGKILL)
            running.waitUntilExit()
        }
        try await launch()
        return ContinuousClock.now - began
    }

    /// CPU seconds (user + system) the running server has used since it started.
    public var cpuSeconds: Double { lock.withLock { process }.map { CPUTime.seconds(of: $0.processIdentifier) } ?? 0 }

    /// Stops the server and removes its data.
    public func stop() {
        if let running = lock.withLock({ process }), running.isRunning {
            running.terminate()
            running.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private func launch() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.which("mariadbd"))
        process.arguments =
            [
                "--no-defaults", "--datadir=\(directory.path)/data", "--socket=\(socketPath)", "--port=\(port)", "--bind-address=127.0.0.1",
                "--pid-file=\(directory.path)/mysqld.pid", "--log-error=\(directory.path)/error.log", "--tmpdir=\(directory.path)/tmp",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci", "--innodb-buffer-pool-size=512M",
                "--innodb-log-file-size=128M", "--innodb-flush-log-at-trx-commit=2", "--skip-log-bin", "--max-connections=1000",
                "--max-prepared-stmt-count=100000", "--max-allowed-packet=64M",
            ] + (getuid() == 0 ? ["--user=root"] : [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        lock.withLock { self.process = process }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if (try? Self.run("mariadb-admin", ["--no-defaults", "--socket=\(socketPath)", "-uroot", "ping"])) != nil { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
        throw Failure(description: "mariadbd did not start: \(log.suffix(2000))")
    }

    @discardableResult
    private static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try which(tool))
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw Failure(description: "\(tool) failed: \(text.suffix(2000))") }
        return text
    }

    private static func which(_ tool: String) throws -> String {
        for directory in ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"] {
            let path = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw Failure(description: "\(tool) is not installed")
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "no socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// CPU time of a live process, from `/proc/<pid>/stat` (Linux).
public enum CPUTime {
    public static func seconds(of pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return 0 }
        // After "pid (comm)": state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
