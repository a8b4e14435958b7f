import Foundation

/// The column names of a result set, shared by all its rows.
public final class MariaDBColumns: Sendable {
    public let names: [String]
    private let indexByName: [String: Int]

    init(names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil {
            index[name] = position
            index[name.lowercased()] = index[name.lowercased()] ?? position
        }
        self.indexByName = index
    }

    func index(of name: String) -> Int? {
        indexByName[name] ?? indexByName[name.lowercased()]
    }
}

/// One row of a result set, decodable by column name or position.
public struct MariaDBRow: Sendable {
    public let columns: MariaDBColumns
    public let values: [MariaDBValue]

    public init(columns: MariaDBColumns, values: [MariaDBValue]) {
        self.columns = columns
        self.values = values
    }

    /// The raw value of a column; `.null` when the column is absent.
    public subscript(_ name: String) -> MariaDBValue {
        guard let index = columns.index(of: name) else { return .null }
        return values[index]
    }

    /// Whether the result set has a column with this name.
    public func has(_ name: String) -> Bool { columns.index(of: name) != nil }

    /// Decodes the named column; throws when it is absent or cannot be converted.
    public func decode<T: MariaDBDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let index = columns.index(of: name) else { throw MariaDBError.missingColumn(name) }
        return try T.decode(values[index], column: name)
    }

    /// Decodes the column at `position` (0-based).
    public func decode<T: MariaDBDecodable>(_ position: Int, as type: T.Type = T.self) throws -> T {
        guard values.indices.contains(position) else { throw MariaDBError.missingColumn("#\(position)") }
        return try T.decode(values[position], column: columns.names[position])
    }
}

/// A Swift type a column value converts to. Conversions are tolerant of the type drift seen
/// on real installs: an id may arrive as INT, BIGINT UNSIGNED or VARCHAR and still decode as `Int`.
public protocol MariaDBDecodable: Sendable {
    static func decode(_ value: MariaDBValue, column: String) throws -> Self
}

extension MariaDBDecodable {
    static func mismatch(_ value: MariaDBValue, _ column: String) -> MariaDBError {
        .decoding(column: column, expected: String(describing: Self.self), found: value.kind)
    }
}

extension Optional: MariaDBDecodable where Wrapped: MariaDBDecodable {
    public static func decode(_ value: MariaDBValue, column: String) throws -> Self {
        if case .null = value { return nil }
        return try Wrapped.decode(value, column: column)
    }
}

extension Int64: MariaDBDecodable {
    public static func decode(_ value: MariaDBValue, column: String) throws -> Int64 {
        switch value {
        case .int(let v): return v
        case .uint(let v): if let v = Int64(exactly: v) { return v }
        case .double(let v): if let v = Int64(exactly: v) { return v }
        case .string(let text): if let v = parseInteger(text) { return v }
        case .bytes(let bytes): if let v = parseInteger(String(decoding: bytes, as: UTF8.self)) { return v }
        case .date(let date): return Int64(date.timeIntervalSince1970)
        case .null: break
        }
        throw mismatch(value, column)
    }

    private static func parseInteger(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let v = Int64(trimmed) { return v }
        if let d = Double(trimmed), let v = Int64(exactly: d) { return v }
        return nil
    }
}

extension Int: MariaDBDecodable {
    public static func decode(_ value: MariaDBValue, column: String) throws -> Int {
        Int(try Int64.decode(value, column: column))
    }
}

extension UInt64: MariaDBDecodable {
    public static func decode(_ value: MariaDBValue, column: String) throws -> UInt64 {
        switch value {
        case .uint(let v): return v
        case .int(let v): if let v = UInt64(exactly: v) { return v }
        case .double(let v): if let v = UInt64(exactly: v) { return v }
        case .string(let text): if let v = UInt64(text.trimmingCharacters(in: .whitespaces)) { return v }
        default: break
        }
        throw mismatch(value, column)
    }
}

extension Double: MariaDBDecodable {
    public static func decode(_ value: MariaDBValue, column: String) throws -> Double {
        switch value {
        case .double(let v): return v
        case .int(let v): return Double(v)
        case .uint(let v): return Double(v)
        case .string(let text): if let v = Double(text.trimmingCharacters(in: .whitespaces)) { return v }
        default: break
        }
        throw mismatch(value, column)
    }
}

extension Bool: MariaDBDecodable {
    public static func decode(_ value: MariaDBValue, column: String) throws -> Bool {
        switch value {
        case .int(let v): return v != 0
        case .uint(let v): return v != 0
        case .double(let v): return v != 0
        case .string(let text):
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off", "": return false
            default: break
            }
        default: break
        }
        throw mismatch(value, column)
    }
}

extension String: MariaDBDecodable {
    public static func decode(_ value: MariaDBValue, column: String) throws -> String {
        switch value {
        case .string(let v): return v
        case .bytes(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .int(let v): return String(v)
        case .uint(let v): return String(v)
        case .double(let v): return String(v)
        case .date(let date): return MariaDBDateFormat.format(date)
        case .null: throw mismatch(value, column)
        }
    }
}

extension Array: MariaDBDecodable where Element == UInt8 {
    public static func decode(_ value: MariaDBValue, column: String) throws -> [UInt8] {
        switch value {
        case .bytes(let bytes): return bytes
        case .string(let text): return Array(text.utf8)
        default: throw mismatch(value, column)
        }
    }
}

extension Data: MariaDBDecodable {
    public static func decode(_ value: MariaDBValue, column: String) throws -> Data {
        Data(try [UInt8].decode(value, column: column))
    }
}

extension Date: MariaDBDecodable {
    /// Accepts DATETIME/DATE/TIMESTAMP columns, epoch seconds (integer or numeric text), and the
    /// text formats `Y-m-d H:i:s` and `Y-m-d` (read as UTC) — Booknetic stores all of these.
    public static func decode(_ value: MariaDBValue, column: String) throws -> Date {
        switch value {
        case .date(let date): return date
        case .int(let v): return Date(timeIntervalSince1970: TimeInterval(v))
        case .uint(let v): return Date(timeIntervalSince1970: TimeInterval(v))
        case .double(let v): return Date(timeIntervalSince1970: v)
        case .string(let text): if let date = MariaDBDateFormat.parse(text) { return date }
        case .bytes(let bytes):
            if let date = MariaDBDateFormat.parse(String(decoding: bytes, as: UTF8.self)) { return date }
        case .null: break
        }
        throw mismatch(value, column)
    }
}

/// UTC `Y-m-d H:i:s` formatting and the lenient parsing used for Booknetic's mixed columns.
public enum MariaDBDateFormat {
    /// Formats a date as `YYYY-MM-DD HH:MM:SS` in UTC.
    public static func format(_ date: Date) -> String {
        let c = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0,
            c.minute ?? 0, c.second ?? 0)
    }

    /// Parses epoch seconds, `Y-m-d H:i:s` (optionally with `T` and fractional seconds) or `Y-m-d`.
    public static func parse(_ raw: String) -> Date? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        if text.allSatisfy(\.isNumber), let seconds = Int64(text) {
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard let datePart = parts.first else { return nil }
        let ymd = datePart.split(separator: "-").compactMap { Int($0) }
        guard ymd.count == 3, ymd[0] > 0, (1...12).contains(ymd[1]), (1...31).contains(ymd[2]) else { return nil }
        var components = DateComponents(year: ymd[0], month: ymd[1], day: ymd[2], hour: 0, minute: 0, second: 0)
        if parts.count > 1 {
            let time = parts[1].split(separator: ".")[0].split(separator: ":").compactMap { Int($0) }
            guard time.count >= 2 else { return nil }
            components.hour = time[0]
            components.minute = time[1]
            components.second = time.count > 2 ? time[2] : 0
        }
        return utcCalendar.date(from: components)
    }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
