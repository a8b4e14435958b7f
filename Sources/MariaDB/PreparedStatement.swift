import CMariaDB
import Foundation

/// A server-side prepared statement. Every value travels in a `MYSQL_BIND`, never in the SQL text.
final class PreparedStatement {
    let statement: UnsafeMutablePointer<MYSQL_STMT>
    let sql: String
    let parameterCount: Int
    private let connection: UnsafeMutablePointer<MYSQL>

    init(connection: UnsafeMutablePointer<MYSQL>, sql: String) throws {
        guard let statement = mysql_stmt_init(connection) else {
            throw MariaDBError.connectionLost(code: mysql_errno(connection), message: "mysql_stmt_init failed")
        }
        self.connection = connection
        self.statement = statement
        self.sql = sql
        let status = sql.withCString { mysql_stmt_prepare(statement, $0, UInt(strlen($0))) }
        if status != 0 {
            let error = Self.error(statement, sql: sql)
            mysql_stmt_close(statement)
            throw error
        }
        parameterCount = Int(mysql_stmt_param_count(statement))
    }

    func close() { mysql_stmt_close(statement) }

    /// Executes with the given values; any rows the statement returns are discarded.
    func execute(_ binds: [MariaDBBind]) throws -> MariaDBExecResult {
        try bindAndExecute(binds)
        if let metadata = mysql_stmt_result_metadata(statement) {
            mysql_free_result(metadata)
            mysql_stmt_free_result(statement)
            mysql_stmt_reset(statement)
        }
        return MariaDBExecResult(
            affectedRows: Int(truncatingIfNeeded: mysql_stmt_affected_rows(statement)),
            lastInsertID: Int(truncatingIfNeeded: mysql_stmt_insert_id(statement)))
    }

    /// Executes and returns a cursor over the rows (fetched one by one from the server).
    func open(_ binds: [MariaDBBind]) throws -> RowCursor {
        try bindAndExecute(binds)
        return try RowCursor(statement: statement, sql: sql)
    }

    private func bindAndExecute(_ binds: [MariaDBBind]) throws {
        guard binds.count == parameterCount else {
            throw MariaDBError.bindCountMismatch(expected: parameterCount, got: binds.count, sql: sql)
        }
        let parameters = try ParameterBuffers(binds, sql: sql)
        defer { parameters.deallocate() }
        if parameterCount > 0, mysql_stmt_bind_param(statement, parameters.binds) != 0 {
            throw Self.error(statement, sql: sql)
        }
        if mysql_stmt_execute(statement) != 0 { throw Self.error(statement, sql: sql) }
    }

    /// The statement's error; when libmariadb left it on the connection instead (an error packet
    /// read while fetching unbuffered rows), the connection's.
    static func error(_ statement: UnsafeMutablePointer<MYSQL_STMT>, sql: String) -> MariaDBError {
        var code = mysql_stmt_errno(statement)
        var message = String(cString: mysql_stmt_error(statement))
        var state = String(cString: mysql_stmt_sqlstate(statement))
        if code == 0, let connection = statement.pointee.mysql, mysql_errno(connection) != 0 {
            code = mysql_errno(connection)
            message = String(cString: mysql_error(connection))
            state = String(cString: mysql_sqlstate(connection))
        }
        if code == 0 {
            message = "the client library reported a failure without an error code"
        }
        if MariaDBError.connectionLostCodes.contains(code) {
            return .connectionLost(code: code, message: message)
        }
        return .server(code: code, sqlState: state, message: message, sql: sql)
    }
}

/// The `MYSQL_BIND` array and value buffers for one execution's parameters.
private struct ParameterBuffers {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private var allocations: [UnsafeMutableRawPointer] = []
    private let count: Int

    init(_ values: [MariaDBBind], sql: String) throws {
        count = max(values.count, 1)
        binds = .allocate(capacity: count)
        binds.initialize(repeating: MYSQL_BIND(), count: count)
        for (index, value) in values.enumerated() {
            switch value {
            case .null:
                binds[index].buffer_type = MYSQL_TYPE_NULL
            case .int(let number):
                setScalar(index, number, type: MYSQL_TYPE_LONGLONG)
            case .uint(let number):
                setScalar(index, number, type: MYSQL_TYPE_LONGLONG)
                binds[index].is_unsigned = 1
            case .double(let number):
                setScalar(index, number, type: MYSQL_TYPE_DOUBLE)
            case .bool(let flag):
                setScalar(index, Int8(flag ? 1 : 0), type: MYSQL_TYPE_TINY)
            case .string(let text):
                setBytes(index, Array(text.utf8), type: MYSQL_TYPE_STRING)
            case .bytes(let bytes):
                setBytes(index, bytes, type: MYSQL_TYPE_BLOB)
            case .date(let date):
                let time = MySQLTime.from(date)
                guard (1...9999).contains(time.year) else {
                    deallocate()
                    throw MariaDBError.valueOutOfRange(parameter: index + 1, sql: sql)
                }
                setScalar(index, time, type: MYSQL_TYPE_DATETIME)
            }
        }
    }

    private mutating func setScalar<T>(_ index: Int, _ value: T, type: enum_field_types) {
        let buffer = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
        buffer.initializeMemory(as: T.self, to: value)
        allocations.append(buffer)
        binds[index].buffer_type = type
        binds[index].buffer = buffer
        binds[index].buffer_length = UInt(MemoryLayout<T>.size)
    }

    private mutating func setBytes(_ index: Int, _ bytes: [UInt8], type: enum_field_types) {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { buffer.copyMemory(from: base, byteCount: bytes.count) }
        }
        let length = UnsafeMutablePointer<UInt>.allocate(capacity: 1)
        length.initialize(to: UInt(bytes.count))
        allocations.append(buffer)
        allocations.append(UnsafeMutableRawPointer(length))
        binds[index].buffer_type = type
        binds[index].buffer = buffer
        binds[index].buffer_length = UInt(bytes.count)
        binds[index].length = length
    }

    func deallocate() {
        for allocation in allocations { allocation.deallocate() }
        binds.deinitialize(count: count)
        binds.deallocate()
    }
}

/// Conversions between `Date` (UTC) and the C `MYSQL_TIME` struct.
enum MySQLTime {
    static func from(_ date: Date) -> MYSQL_TIME {
        let c = MariaDBDateFormat.utcCalendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        var time = MYSQL_TIME()
        time.year = UInt32(c.year ?? 1970)
        time.month = UInt32(c.month ?? 1)
        time.day = UInt32(c.day ?? 1)
        time.hour = UInt32(c.hour ?? 0)
        time.minute = UInt32(c.minute ?? 0)
        time.second = UInt32(c.second ?? 0)
        time.second_part = UInt((c.nanosecond ?? 0) / 1000)
        time.time_type = MYSQL_TIMESTAMP_DATETIME
        return time
    }

    static func toDate(_ time: MYSQL_TIME) -> Date? {
        guard time.year > 0, time.month > 0, time.day > 0 else { return nil }
        let components = DateComponents(
            year: Int(time.year), month: Int(time.month), day: Int(time.day), hour: Int(time.hour),
            minute: Int(time.minute), second: Int(time.second), nanosecond: Int(time.second_part) * 1000)
        return MariaDBDateFormat.utcCalendar.date(from: components)
    }
}
