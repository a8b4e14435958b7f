import Foundation
import Logging
import MariaDB

// MARK: - Plumbing

/// A multi-row prepared INSERT; the SQL text of a full batch is built once so the connection's
/// statement cache hits on every batch.
struct DemoBatchInsert: Sendable {
    /// A column and what it gets: a bound value (`expression == nil`) or a fixed SQL expression,
    /// which may name a column set earlier in the same row (`busy_from` = `starts_at`): fewer
    /// values to send and for the server to parse.
    struct Column: Sendable, ExpressibleByStringLiteral {
        let name: String
        let expression: String?
        init(_ name: String, expression: String? = nil) {
            self.name = name
            self.expression = expression
        }
        init(stringLiteral name: String) { self.init(name) }
    }

    let table: SQLIdentifier
    let columns: [Column]
    /// Placeholders per row.
    let bindsPerRow: Int
    let rowsPerStatement: Int
    private let fullSQL: String

    init(table: SQLIdentifier, columns: [Column], rowsPerStatement: Int) {
        self.table = table
        self.columns = columns
        bindsPerRow = columns.filter { $0.expression == nil }.count
        // Stay well below the protocol's 65 535 placeholders per statement.
        self.rowsPerStatement = max(1, min(rowsPerStatement, 60_000 / max(1, bindsPerRow)))
        self.fullSQL = Self.sql(table: table, columns: columns, rows: self.rowsPerStatement)
    }

    func sql(rows: Int) -> String {
        rows == rowsPerStatement ? fullSQL : Self.sql(table: table, columns: columns, rows: rows)
    }

    private static func sql(table: SQLIdentifier, columns: [Column], rows: Int) -> String {
        let tuple = "(" + columns.map { $0.expression ?? "?" }.joined(separator: ",") + ")"
        let names = columns.map { "`\($0.name)`" }.joined(separator: ", ")
        return "INSERT INTO \(table.text) (\(names)) VALUES " + Array(repeating: tuple, count: rows).joined(separator: ",")
    }
}

/// A small table's rows, written in one go (split only if the statement would get too big).
struct DemoTableRows: Sendable {
    let table: SQLIdentifier
    let columns: [DemoBatchInsert.Column]
    let rows: [[MariaDBBind]]

    /// The multi-row INSERTs that write these rows, one at a time.
    func statements() -> @Sendable () throws -> MariaDBQuery? {
        let insert = DemoBatchInsert(table: table, columns: columns, rowsPerStatement: 500)
        let cursor = DemoChunkCursor(0..<rows.count)
        let rows = self.rows
        return {
            guard let range = cursor.next(insert.rowsPerStatement) else { return nil }
            return try MariaDBQuery(compiled: insert.sql(rows: range.count), binds: Array(rows[range].joined()))
        }
    }
}

/// Walks a range in steps, for statements produced one at a time on the thread pool.
final class DemoChunkCursor: @unchecked Sendable {
    private var start: Int
    private let end: Int

    init(_ range: Range<Int>) {
        start = range.lowerBound
        end = range.upperBound
    }

    /// The next at most `size` indexes, or nil at the end (called from one thread at a time).
    func next(_ size: Int) -> Range<Int>? {
        guard start < end else { return nil }
        let range = start..<min(start + size, end)
        start = range.upperBound
        return range
    }
}

/// Hands out chunks of row indexes to the workers.
final class DemoChunkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextStart = 0
    private let count: Int
    private let chunkSize: Int

    init(count: Int, chunkSize: Int) {
        self.count = count
        self.chunkSize = chunkSize
    }

    func next() -> Range<Int>? {
        lock.lock()
        defer { lock.unlock() }
        guard nextStart < count else { return nil }
        let start = nextStart
        nextStart = min(count, start + chunkSize)
        return start..<nextStart
    }
}

/// Counts progress per phase and calls the caller's callback, one call at a time.
final class DemoProgressTracker: @unchecked Sendable {
    private let lock = NSLock()
    private let callback: (@Sendable (DemoDataProgress) -> Void)?
    private var phase = ""
    private var done = 0
    private var total = 0

    init(_ callback: (@Sendable (DemoDataProgress) -> Void)?) { self.callback = callback }

    func start(_ phase: String, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        self.phase = phase
        self.done = 0
        self.total = total
        callback?(DemoDataProgress(phase: phase, done: 0, total: total))
    }

    func advance(_ phase: String, by count: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard phase == self.phase else { return }
        done += count
        callback?(DemoDataProgress(phase: phase, done: done, total: total))
    }
}
