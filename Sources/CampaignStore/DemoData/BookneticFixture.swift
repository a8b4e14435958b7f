import MariaDB
import Schema

/// Creates Booknetic's tables from the fixture DDL (tests and the demo only; in the store because
/// only the store runs SQL).
public enum BookneticFixture {
    public static func install(pool: MariaDBPool, prefix: TablePrefix) async throws {
        let files = try SchemaFiles.bookneticFixture()
        try await pool.withConnection { db in
            for file in files {
                for statement in SQLScript.statements(in: prefix.apply(to: file.sql)) {
                    try await db.executeRaw(RawSQL(trusted: statement))
                }
            }
        }
    }
}
