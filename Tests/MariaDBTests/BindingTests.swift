import Foundation
import MariaDB
import TestSupport
import Testing

@Suite("Binding and decoding", .serialized)
struct BindingTests {
    @Test func everyTypeRoundTripsIncludingNull() async throws {
        try await TestDatabase.with("binding") { pool in
            try await pool.withConnection { db in
                try await db.executeRaw(
                    """
                    CREATE TABLE t (
                      id INT AUTO_INCREMENT PRIMARY KEY, i INT NULL, big BIGINT NULL, u BIGINT UNSIGNED NULL,
                      d DOUBLE NULL, s VARCHAR(255) NULL, txt LONGTEXT NULL, b BLOB NULL, dt DATETIME NULL,
                      flag TINYINT(1) NULL, dec_ DECIMAL(10,2) NULL, day DATE NULL)
                    """)
                let when = Date(timeIntervalSince1970: 1_700_000_123)
                let long = String(repeating: "ab", count: 100_000)
                let bytes = Data([0, 1, 2, 255])
                let result = try await db.execute(
                    """
                    INSERT INTO t (i, big, u, d, s, txt, b, dt, flag, dec_, day) VALUES (\(-42), \(Int64.min), \(UInt64.max), \(-2.5),
                      \("Zoë 👩‍🔬 😀"), \(long), \(bytes), \(when), \(true), \(12.34), \(when))
                    """)
                #expect(result.affectedRows == 1)
                #expect(result.lastInsertID == 1)
                try await db.execute(
                    """
                    INSERT INTO t (i, big, u, d, s, txt, b, dt, flag, dec_, day) VALUES (\(MariaDBBind.null), \(Int64?.none),
                      \(UInt64?.none), \(Double?.none), \(String?.none), \(String?.none), \(Data?.none), \(Date?.none), \(Bool?.none),
                      \(Double?.none), \(Date?.none))
                    """)
                let rows = try await db.query("SELECT * FROM t ORDER BY id")
                #expect(rows.count == 2)
                let row = rows[0]
                #expect(try row.decode("i", as: Int.self) == -42)
                #expect(try row.decode("big", as: Int64.self) == Int64.min)
                #expect(try row.decode("u", as: UInt64.self) == UInt64.max)
                #expect(try row.decode("d", as: Double.self) == -2.5)
                #expect(try row.decode("s", as: String.self) == "Zoë 👩‍🔬 😀")
                #expect(try row.decode("txt", as: String.self).count == 200_000)
                #expect(try row.decode("b", as: Data.self) == Data([0, 1, 2, 255]))
                #expect(try row.decode("dt", as: Date.self) == when)
                #expect(try row.decode("flag", as: Bool.self) == true)
                #expect(try row.decode("dec_", as: Double.self) == 12.34)
                #expect(try row.decode("dec_", as: String.self) == "12.34")
                #expect(try row.decode("day", as: String.self) == "2023-11-14 00:00:00")
                #expect(try row.decode(0, as: Int.self) == 1)
                let empty = rows[1]
                for column in ["i", "big", "u", "d", "s", "txt", "b", "dt", "flag", "dec_", "day"] {
                    #expect(empty[column] == .null, "column \(column) should be NULL")
                }
                #expect(try empty.decode("i", as: Int?.self) == nil)
                #expect(try empty.decode("s", as: String?.self) == nil)
                #expect(throws: MariaDBError.self) { try empty.decode("i", as: Int.self) }
                // A date the server cannot store is refused instead of becoming a zero date.
                await #expect(throws: MariaDBError.self) {
                    try await db.execute("INSERT INTO t (dt) VALUES (\(Date(timeIntervalSince1970: 1_767_225_600_000)))")
                }
                #expect(throws: MariaDBError.self) { try row.decode("nope", as: Int.self) }
            }
        }
    }

    @Test func toleratesTypeDriftOfTheSameLogicalColumn() async throws {
        try await TestDatabase.with("drift") { pool in
            try await pool.withConnection { db in
                try await db.executeRaw(
                    "CREATE TABLE v (a INT, b BIGINT UNSIGNED, c VARCHAR(20), d TEXT, e VARCHAR(30), f VARCHAR(30), g INT)")
                try await db.execute(
                    "INSERT INTO v VALUES (\(7), \(UInt64(7)), \("7"), \(" 7 "), \("2024-02-29 13:14:15"), \("2024-02-29"), \(1_709_212_455))")
                let row = try #require(try await db.queryFirst("SELECT * FROM v"))
                for column in ["a", "b", "c", "d"] {
                    #expect(try row.decode(column, as: Int.self) == 7, "column \(column)")
                    #expect(try row.decode(column, as: String.self).trimmingCharacters(in: .whitespaces) == "7")
                }
                let expected = Date(timeIntervalSince1970: 1_709_212_455)
                #expect(try row.decode("e", as: Date.self) == expected)
                #expect(try row.decode("g", as: Date.self) == expected)
                #expect(try row.decode("f", as: Date.self) == Date(timeIntervalSince1970: 1_709_164_800))
                #expect(throws: MariaDBError.self) { try row.decode("e", as: Int.self) }
            }
        }
    }

    @Test func injectionStringsAreStoredVerbatim() async throws {
        try await TestDatabase.with("inject") { pool in
            let evil = "x'); DROP TABLE people; -- \" \\ ` %_ \0 ‮"
            try await pool.withConnection { db in
                try await db.executeRaw("CREATE TABLE people (name TEXT)")
                try await db.execute("INSERT INTO people (name) VALUES (\(evil))")
                let rows = try await db.query("SELECT name FROM people WHERE name = \(evil)")
                #expect(rows.count == 1)
                #expect(try rows[0].decode("name", as: String.self) == evil)
                let tables = try await db.query("SHOW TABLES")
                #expect(tables.count == 1)
            }
        }
    }

    @Test func serverErrorsAreTypedAndBindCountIsChecked() async throws {
        try await TestDatabase.with("errors") { pool in
            try await pool.withConnection { db in
                try await db.executeRaw("CREATE TABLE k (id INT PRIMARY KEY)")
                try await db.execute("INSERT INTO k VALUES (\(1))")
                do {
                    try await db.execute("INSERT INTO k VALUES (\(1))")
                    Issue.record("duplicate insert should fail")
                } catch let error as MariaDBError {
                    #expect(error.isDuplicateKey)
                    #expect(!error.description.contains("INSERT"))
                    #expect(error.detail.contains("INSERT INTO k"))
                }
                // A hand-written placeholder without a value cannot be built into a query.
                #expect(throws: MariaDBError.self) { try MariaDBQuery(compiled: "INSERT INTO k VALUES (?)", binds: []) }
                await #expect(throws: MariaDBError.self) { try await db.query("SELEKT 1") }
                // The connection is still usable after statement errors.
                #expect(try await db.queryFirst("SELECT COUNT(*) AS n FROM k")?.decode("n", as: Int.self) == 1)
            }
        }
    }

    @Test func streamingReadsEveryRowInBatches() async throws {
        try await TestDatabase.with("stream") { pool in
            try await pool.withConnection { db in
                try await db.executeRaw("CREATE TABLE n (id INT PRIMARY KEY, label VARCHAR(40))")
                try await db.executeRaw(
                    "INSERT INTO n SELECT seq, CONCAT('row-', seq) FROM seq_1_to_5000")
                var seen = 0
                var batches = 0
                var last = 0
                try await db.streamRows("SELECT id, label FROM n WHERE id > \(0) ORDER BY id", batchSize: 700) { rows in
                    batches += 1
                    #expect(rows.count <= 700)
                    for row in rows {
                        let id = try row.decode("id", as: Int.self)
                        #expect(id == last + 1)
                        #expect(try row.decode("label", as: String.self) == "row-\(id)")
                        last = id
                        seen += 1
                    }
                }
                #expect(seen == 5000)
                #expect(batches == 8)
                // Stopping early leaves the connection usable.
                struct Stop: Error {}
                await #expect(throws: Stop.self) {
                    try await db.streamRows("SELECT id FROM n", batchSize: 10) { _ in throw Stop() }
                }
                #expect(try await db.queryFirst("SELECT COUNT(*) AS c FROM n")?.decode("c", as: Int.self) == 5000)
            }
        }
    }
}
