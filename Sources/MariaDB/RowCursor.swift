import CMariaDB
import Foundation

/// Reads the rows of an executed statement one at a time, without buffering the result set.
final class RowCursor {
    private enum Kind { case signed, unsigned, double, datetime, text, binary }

    let columns: MariaDBColumns
    private let statement: UnsafeMutablePointer<MYSQL_STMT>
    private let sql: String
    private let kinds: [Kind]
    private let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let buffers: [UnsafeMutableRawPointer]
    private let capacities: [Int]
    private let lengths: UnsafeMutablePointer<UInt>
    private let nulls: UnsafeMutablePointer<CChar>
    private let errors: UnsafeMutablePointer<CChar>
    private var finished = false

    init(statement: UnsafeMutablePointer<MYSQL_STMT>, sql: String) throws {
        self.statement = statement
        self.sql = sql
        guard let metadata = mysql_stmt_result_metadata(statement) else {
            columns = MariaDBColumns(names: [])
            kinds = []
            binds = .allocate(capacity: 1)
            buffers = []
            capacities = []
            lengths = .allocate(capacity: 1)
            nulls = .allocate(capacity: 1)
            errors = .allocate(capacity: 1)
            finished = true
            return
        }
        defer { mysql_free_result(metadata) }
        let count = Int(mysql_num_fields(metadata))
        let fields = mysql_fetch_fields(metadata)!
        var names: [String] = []
        var kinds: [Kind] = []
        var buffers: [UnsafeMutableRawPointer] = []
        var capacities: [Int] = []
        binds = .allocate(capacity: max(count, 1))
        binds.initialize(repeating: MYSQL_BIND(), count: max(count, 1))
        lengths = .allocate(capacity: max(count, 1))
        lengths.initialize(repeating: 0, count: max(count, 1))
        nulls = .allocate(capacity: max(count, 1))
        nulls.initialize(repeating: 0, count: max(count, 1))
        errors = .allocate(capacity: max(count, 1))
        errors.initialize(repeating: 0, count: max(count, 1))
        for index in 0..<count {
            let field = fields[index]
            names.append(String(cString: field.name))
            let kind = Self.kind(of: field)
            kinds.append(kind)
            let capacity: Int
            switch kind {
            case .signed, .unsigned:
                capacity = 8
                binds[index].buffer_type = MYSQL_TYPE_LONGLONG
                binds[index].is_unsigned = kind == .unsigned ? 1 : 0
            case .double:
                capacity = 8
                binds[index].buffer_type = MYSQL_TYPE_DOUBLE
            case .datetime:
                capacity = MemoryLayout<MYSQL_TIME>.size
                binds[index].buffer_type = MYSQL_TYPE_DATETIME
            case .text, .binary:
                capacity = min(max(Int(field.length), 16), 2048)
                binds[index].buffer_type = kind == .text ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB
            }
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
            buffers.append(buffer)
            capacities.append(capacity)
            binds[index].buffer = buffer
            binds[index].buffer_length = UInt(capacity)
            binds[index].length = lengths + index
            binds[index].is_null = nulls + index
            binds[index].error = errors + index
        }
        self.columns = MariaDBColumns(names: names)
        self.kinds = kinds
        self.buffers = buffers
        self.capacities = capacities
        if count > 0, mysql_stmt_bind_result(statement, binds) != 0 {
            let error = PreparedStatement.error(statement, sql: sql)
            mysql_stmt_reset(statement)
            throw error
        }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        binds.deallocate()
        lengths.deallocate()
        nulls.deallocate()
        errors.deallocate()
    }

    /// The next row, or nil at the end of the result set.
    func next() throws -> MariaDBRow? {
        if finished { return nil }
        let status = mysql_stmt_fetch(statement)
        if status == MYSQL_NO_DATA {
            finished = true
            mysql_stmt_free_result(statement)
            return nil
        }
        if status == 1 {
            finished = true
            let error = PreparedStatement.error(statement, sql: sql)
            mysql_stmt_reset(statement)
            throw error
        }
        var values: [MariaDBValue] = []
        values.reserveCapacity(kinds.count)
        for index in kinds.indices {
            values.append(try value(at: index))
        }
        return MariaDBRow(columns: columns, values: values)
    }

    /// Stops reading; unread rows are discarded so the connection can be reused.
    func close() {
        if !finished {
            finished = true
            mysql_stmt_free_result(statement)
            mysql_stmt_reset(statement)
        }
    }

    private func value(at index: Int) throws -> MariaDBValue {
        if nulls[index] != 0 { return .null }
        let buffer = buffers[index]
        switch kinds[index] {
        case .signed: return .int(buffer.load(as: Int64.self))
        case .unsigned: return .uint(buffer.load(as: UInt64.self))
        case .double: return .double(buffer.load(as: Double.self))
        case .datetime:
            return MySQLTime.toDate(buffer.load(as: MYSQL_TIME.self)).map(MariaDBValue.date) ?? .null
        case .text, .binary:
            let length = Int(lengths[index])
            let bytes: [UInt8]
            if length <= capacities[index] {
                bytes = Array(UnsafeRawBufferPointer(start: buffer, count: length))
            } else {
                bytes = try fetchLongColumn(index, length: length)
            }
            return kinds[index] == .text ? .string(String(decoding: bytes, as: UTF8.self)) : .bytes(bytes)
        }
    }

    /// Re-reads a column whose value did not fit the row buffer.
    private func fetchLongColumn(_ index: Int, length: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        var actual: UInt = 0
        let status = bytes.withUnsafeMutableBytes { target -> Int32 in
            var bind = MYSQL_BIND()
            bind.buffer_type = binds[index].buffer_type
            bind.buffer = target.baseAddress
            bind.buffer_length = UInt(length)
            return withUnsafeMutablePointer(to: &actual) { actualPointer in
                bind.length = actualPointer
                return mysql_stmt_fetch_column(statement, &bind, UInt32(index), 0)
            }
        }
        if status != 0 { throw PreparedStatement.error(statement, sql: sql) }
        return bytes
    }

    private static func kind(of field: MYSQL_FIELD) -> Kind {
        let unsigned = (field.flags & UInt32(UNSIGNED_FLAG)) != 0
        switch field.type {
        case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_LONG, MYSQL_TYPE_INT24, MYSQL_TYPE_LONGLONG,
            MYSQL_TYPE_YEAR:
            return unsigned ? .unsigned : .signed
        case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE:
            return .double
        case MYSQL_TYPE_DATE, MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIMESTAMP, MYSQL_TYPE_NEWDATE:
            return .datetime
        case MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL, MYSQL_TYPE_TIME, MYSQL_TYPE_ENUM, MYSQL_TYPE_SET,
            MYSQL_TYPE_JSON:
            return .text
        case MYSQL_TYPE_BIT, MYSQL_TYPE_GEOMETRY:
            return .binary
        default:
            return field.charsetnr == 63 ? .binary : .text
        }
    }
}
