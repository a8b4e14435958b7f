import Foundation
import Logging
import MariaDB
import Testing

/// Gives each test suite its own database on the private MariaDB server that `Scripts/test`
/// starts (its address comes from the `BKNTC_DB_*` variables that script exports).
public enum TestDatabase {
    /// Something else the suite needs is missing (a free port, say).
    public struct MissingEnvironment: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The server's address with the given database selected.
    public static func configuration(database: String, maxConnections: Int = 8) throws -> MariaDBConfiguration {
        let env = ProcessInfo.processInfo.environment
        guard let port = env["BKNTC_DB_PORT"].flatMap(Int.init) else {
            // Plain `swift test` has no database: the suites that need one are skipped (cancelled,
            // with this reason), so the pure and router tests still run green and fast.
            try Test.cancel("needs a MariaDB: run Scripts/test, which starts a private one (BKNTC_DB_PORT is not set)")
        }
        return MariaDBConfiguration(
            host: env["BKNTC_DB_HOST"] ?? "127.0.0.1", port: port, socket: nil,
            user: env["BKNTC_DB_USER"] ?? "bkntc", password: env["BKNTC_DB_PASSWORD"] ?? "bkntc",
            database: database, connectTimeout: 5, readWriteTimeout: 120, maxConnections: maxConnections)
    }

    /// Creates a fresh, empty database and returns a pool connected to it.
    public static func create(_ label: String, maxConnections: Int = 8) async throws -> MariaDBPool {
        let name = "test_\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = MariaDBPool(configuration: try configuration(database: "", maxConnections: 1), logger: logger)
        do {
            try await admin.withConnection { session in
                try await session.executeRaw(RawSQL(trusted: "CREATE DATABASE `\(name)` CHARACTER SET utf8mb4"))
            }
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        return MariaDBPool(configuration: try configuration(database: name, maxConnections: maxConnections), logger: logger)
    }

    /// Runs `body` with a fresh database and drops it afterwards — awaited, also when `body` throws.
    public static func with<T: Sendable>(
        _ label: String, maxConnections: Int = 8, _ body: (MariaDBPool) async throws -> T
    ) async throws -> T {
        let pool = try await create(label, maxConnections: maxConnections)
        return try await dropping(pool) { try await body(pool) }
    }

    /// Runs `body`, then drops the pool's database — awaited, also when `body` throws.
    public static func dropping<T: Sendable>(_ pool: MariaDBPool, _ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await drop(pool)
            return result
        } catch {
            await drop(pool)
            throw error
        }
    }

    /// Drops the pool's database and closes the pool.
    public static func drop(_ pool: MariaDBPool) async {
        let name = pool.configuration.database
        _ = try? await pool.withConnection { session in
            try await session.executeRaw(RawSQL(trusted: "DROP DATABASE IF EXISTS `\(name)`"))
        }
        await pool.close()
    }

    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()
}
