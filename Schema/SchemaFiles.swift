import Foundation

/// The SQL files shipped with the service: the sidecar's migrations (applied in file-name order),
/// opt-in index migrations for Booknetic's own tables, and the Booknetic fixture DDL used by
/// tests and the demo only. `{prefix}` in a file stands for the WordPress table prefix.
public enum SchemaFiles {
    /// A named SQL file.
    public struct File: Sendable, Hashable {
        public let name: String
        public let sql: String

        public init(name: String, sql: String) {
            self.name = name
            self.sql = sql
        }
    }

    /// The sidecar's own migrations, sorted by file name (`0001_…`, `0002_…`).
    public static func migrations() throws -> [File] { try files(in: "migrations") }

    /// Opt-in migrations that add indexes to Booknetic's tables.
    public static func optional() throws -> [File] { try files(in: "optional") }

    /// DDL for Booknetic's tables (fixture for tests and the demo; never applied to a real site).
    public static func bookneticFixture() throws -> [File] { try files(in: "booknetic") }

    private static func files(in folder: String) throws -> [File] {
        guard let directory = Bundle.module.url(forResource: folder, withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: folder])
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        return try names.map { name in
            File(name: name, sql: try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
    }
}
