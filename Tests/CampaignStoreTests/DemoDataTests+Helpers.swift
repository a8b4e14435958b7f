import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport
import Testing

/// What the demo-data tests read back: CPU time, a private database, fingerprints of the rows
/// and the shapes they check.
extension DemoDataTests {
    /// User + system CPU time of this process.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
            getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    func withDemoDatabase(_ body: (MariaDBPool) async throws -> Void) async throws {
        let pool = try await TestDatabase.create("demo")
        do {
            try await body(pool)
        } catch {
            await TestDatabase.drop(pool)
            throw error
        }
        await TestDatabase.drop(pool)
    }

    struct Fingerprint: Equatable {
        let customers: UInt64
        let appointments: UInt64
    }

    /// FNV-1a over every column of every row, in id order.
    static func fingerprint(_ pool: MariaDBPool) async throws -> Fingerprint {
        try await pool.withConnection { db in
            func hash(_ table: String) async throws -> UInt64 {
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                try await db.streamRows("SELECT * FROM \(identifier: prefix.bkntc(table)) ORDER BY id", batchSize: 2000) { rows in
                    for row in rows {
                        for byte in "\(row.values)".utf8 {
                            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
                        }
                    }
                }
                return hash
            }
            return Fingerprint(customers: try await hash("customers"), appointments: try await hash("appointments"))
        }
    }

    struct PlanPermissions {
        let capabilities: [String: String]
        let limits: [String: String]
    }

    static func permissions(_ row: MariaDBRow) throws -> PlanPermissions {
        let json = try row.decode("permissions", as: String.self)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return PlanPermissions(
            capabilities: try #require(object["capabilities"] as? [String: String]),
            limits: try #require(object["limits"] as? [String: String]))
    }

    /// Whether every `s:N:"…";` in a PHP-serialized value has N = the UTF-8 byte length, and
    /// the value is closed (`}` at the end).
    static func hasValidStringLengths(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.last == UInt8(ascii: "}") else { return false }
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "s"), bytes[index + 1] == UInt8(ascii: ":") {
                var cursor = index + 2
                var length = 0
                while cursor < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[cursor]) {
                    length = length * 10 + Int(bytes[cursor] - UInt8(ascii: "0"))
                    cursor += 1
                }
                guard cursor + 1 < bytes.count, bytes[cursor] == UInt8(ascii: ":"), bytes[cursor + 1] == UInt8(ascii: "\"")
                else { return false }
                let end = cursor + 2 + length
                guard end + 1 < bytes.count, bytes[end] == UInt8(ascii: "\""), bytes[end + 1] == UInt8(ascii: ";")
                else { return false }
                index = end + 2
            } else {
                index += 1
            }
        }
        return true
    }
}
