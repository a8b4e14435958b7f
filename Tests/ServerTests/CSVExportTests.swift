import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import MariaDB
import Server
import TestSupport
import Testing

@Suite("Logs CSV export", .serialized)
struct CSVExportTests {
    @Test func cellsAreEscapedAndCapped() async throws {
        try await APIFixture.live("csv") { pool, client in
            let id = try await Self.sendCampaign(
                to: [("=HYPERLINK(\"http://x\")", "O'Brien, \"Jr\"\nline2"), ("@SUM(1)", "Zoë 😀"), ("-2+3", "T1")], pool, client)
            func export(_ query: String) async throws -> (String, String?) {
                let path = "/api/v1/campaigns/\(id)/logs.csv\(query)"
                return try await client.execute(uri: path, method: .get, headers: APIFixture.signed(.get, path, tenant: 1, user: 1)) {
                    (String(decoding: $0.body.readableBytesView, as: UTF8.self), $0.headers[.contentType])
                }
            }
            let (csv, type) = try await export("")
            #expect(type?.hasPrefix("text/csv") == true)
            #expect(csv.hasPrefix("\u{FEFF}"))
            #expect(csv.contains(#""'=HYPERLINK(""http://x"")""#))
            #expect(csv.contains("\"O'Brien, \"\"Jr\"\"\nline2\""))
            #expect(csv.contains(",'@SUM(1),Zoë 😀,"))
            #expect(csv.contains(",'-2+3,"))
            #expect(csv.contains(",'+447700910001,"), "phone numbers start with + and are neutralized too")
            let (limited, _) = try await export("?limit=2")
            #expect(limited.split(separator: "\r\n").count == 3)
            let (all, _) = try await export("?limit=all")
            #expect(all.split(separator: "\r\n").count == 7)
            let bad = try await APIFixture.call(client, .get, "/api/v1/campaigns/\(id)/logs.csv?limit=-1", tenant: 1, user: 1)
            #expect(bad.status == 400)
        }
    }

    /// Spreadsheets split a CSV on the list separator of the user's locale: `;` in much of
    /// Europe, `|` in some setups. Opened that way, the export still shows no cell that starts
    /// a formula (DESIGN §13: cells holding `;` or `|` are quoted like those holding `,`).
    @Test(arguments: [";", "|", ","])
    func noSeparatorTurnsACellIntoAFormula(separator: Character) async throws {
        try await APIFixture.live("csv_separator") { pool, client in
            let names = [("Ann;=1+1", "x|@SUM(A1)"), ("Bo; -2+3", "y|+cmd"), ("Cy;\t=2", "z;\r=3"), ("Di\n=4", "w;\"=5")]
            let id = try await Self.sendCampaign(to: names, pool, client)
            let path = "/api/v1/campaigns/\(id)/logs.csv"
            let csv = try await client.execute(uri: path, method: .get, headers: APIFixture.signed(.get, path, tenant: 1, user: 1)) {
                String(decoding: $0.body.readableBytesView, as: UTF8.self)
            }
            let rows = SpreadsheetCSV.parse(String(csv.dropFirst()), separator: separator)
            let triggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]
            for cell in rows.joined() {
                if let first = cell.first, triggers.contains(first) {
                    Issue.record("opened with \(separator.debugDescription) as separator, a cell starts a formula: \(cell.debugDescription)")
                }
            }
            if separator == "," {
                #expect(rows.count == 7, "\(rows.count) rows")
                // Read with the separator it was written with, every cell is the data itself.
                let names = rows.dropFirst().map { [$0[4], $0[5]] }
                #expect(names.contains(["Ann;'=1+1", "x|'@SUM(A1)"]), "\(names)")
                #expect(names.contains(["Di\n'=4", "w;\"'=5"]), "\(names)")
            }
        }
    }

    /// Gives tenant 1's first customers (Cus1, Cus2, …) these first and last names, sends an SMS
    /// campaign to all of them and returns its id.
    static func sendCampaign(to names: [(String, String)], _ pool: MariaDBPool, _ client: any TestClientProtocol) async throws -> Int {
        try await pool.withConnection { db in
            for (index, (first, last)) in names.enumerated() {
                try await db.execute(
                    "UPDATE wpa_bkntc_customers SET first_name = \(first), last_name = \(last) WHERE tenant_id = 1 AND first_name = \("Cus\(index + 1)")"
                )
            }
        }
        let created = try await APIFixture.call(
            client, .post, "/api/v1/campaigns", tenant: 1, user: 1,
            body: #"{"channel":"sms","name":"CSV","segment":{"type":"all_customers"},"body":"Hi"}"#)
        let id = try #require(created.json?["id"]?.integerValue)
        _ = try await APIFixture.call(client, .post, "/api/v1/campaigns/\(id)/send", tenant: 1, user: 1)
        return id
    }

    @Test func twoHundredThousandRowsStreamInBoundedBatches() async throws {
        let pool = try await TestDatabase.create("bigcsv")
        try await TestDatabase.dropping(pool) {
            try await Migrator(pool: pool, prefix: APIFixture.prefix, logger: TestDatabase.logger).migrate()
            let rows = 200_000
            try await pool.withConnection { db in
                try await db.execute(
                    """
                    INSERT INTO wpa_bkntc_campaigns (id, tenant_id, tenant_key, channel, name, status, segment, body, current_run, created_at, updated_at)
                    VALUES (1, 1, 1, 'email', 'Big', 'queued', '{"type":"all_customers"}', 'Hi', 1, UTC_TIMESTAMP(), UTC_TIMESTAMP())
                    """)
                try await db.executeRaw(
                    """
                    INSERT INTO wpa_bkntc_campaign_logs (tenant_id, tenant_key, campaign_id, run, channel, customer_id, address, first_name, last_name, status, created_at, updated_at)
                    SELECT 1, 1, 1, 1, 'email', seq, CONCAT('person', seq, '@example.com'), CONCAT('First ', seq), 'Last', 'pending', UTC_TIMESTAMP(), UTC_TIMESTAMP()
                    FROM seq_1_to_200000
                    """)
            }
            let clock = SystemClock()
            let settings = MariaDBSiteSettings(pool: pool, prefix: APIFixture.prefix, fallbackCountryCode: nil, clock: clock)
            let repository = MariaDBCampaignRepository(pool: pool, prefix: APIFixture.prefix, settings: settings, clock: clock)
            let before = residentKiB()
            let started = ContinuousClock.now
            var peak = before
            var seen = 0
            var largestBatch = 0
            var bytes = 0
            var lastID = 0
            var inOrder = true
            try await repository.streamLogs(
                scope: .tenant(1), id: 1, limit: nil, access: AccessCheck(.logs, in: .everything(planChannels: nil))
            ) { batch in
                largestBatch = max(largestBatch, batch.count)
                peak = max(peak, residentKiB())
                for row in batch {
                    inOrder = inOrder && row.id > lastID
                    lastID = row.id
                    bytes += CSVFormatter.row([String(row.id), row.address, row.firstName, row.lastName, row.status.rawValue]).utf8.count
                    seen += 1
                }
            }
            print("CSVExportTests: \(rows) rows streamed in \(ContinuousClock.now - started)")
            // Resident memory sampled while streaming (not the process-lifetime peak).
            let growthMiB = Double(peak - before) / 1024
            #expect(seen == rows)
            #expect(inOrder, "every row once, in id order")
            #expect(largestBatch <= 1000)
            #expect(bytes > 10_000_000)
            #expect(growthMiB < 64, "peak memory grew \(growthMiB) MiB while streaming \(rows) rows")
        }
    }

    /// The process's current resident set, from /proc/self/statm.
    private func residentKiB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }
}

/// Reads CSV as a spreadsheet does: fields split on `separator` outside double quotes, `""`
/// inside quotes is a quote, records end at CRLF, LF or CR outside quotes.
enum SpreadsheetCSV {
    static func parse(_ text: String, separator: Character) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters = characters.dropFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && field.isEmpty {
                quoted = true
            } else if character == separator {
                row.append(field)
                field = ""
            } else if character == "\r\n" || character == "\n" || character == "\r" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        return rows
    }
}
