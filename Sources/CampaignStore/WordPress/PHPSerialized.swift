/// A minimal reader for PHP's `serialize()` format, enough for WordPress role arrays
/// (`a:1:{s:13:"administrator";b:1;}`). Malformed input yields nil, never a crash.
/// Reads the PHP-serialized values WordPress stores (e.g. `wp_capabilities`).
public enum PHPSerialized {
    indirect enum Value: Hashable {
        case string(String), int(Int), double(Double), bool(Bool), null
        case array([(Value, Value)])

        static func == (lhs: Value, rhs: Value) -> Bool { String(describing: lhs) == String(describing: rhs) }
        func hash(into hasher: inout Hasher) { hasher.combine(String(describing: self)) }

        var isTruthy: Bool {
            switch self {
            case .bool(let flag): flag
            case .int(let number): number != 0
            case .double(let number): number != 0
            case .string(let text): !text.isEmpty && text != "0"
            case .null: false
            case .array(let items): !items.isEmpty
            }
        }
    }

    /// The keys of a serialized array whose values are truthy (the roles a user has).
    public static func truthyKeys(_ text: String) -> Set<String> {
        guard case .array(let items)? = parse(text) else { return [] }
        var keys: Set<String> = []
        for (key, value) in items where value.isTruthy {
            if case .string(let name) = key { keys.insert(name) }
        }
        return keys
    }

    /// The string values of a serialized list (`active_plugins`).
    public static func stringValues(_ text: String) -> [String] {
        guard case .array(let items)? = parse(text) else { return [] }
        return items.compactMap { item in
            if case .string(let value) = item.1 { return value }
            return nil
        }
    }

    static func parse(_ text: String) -> Value? {
        var reader = Reader(bytes: Array(text.utf8))
        guard let value = reader.value() else { return nil }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        var depth = 0

        mutating func value() -> Value? {
            guard index < bytes.count else { return nil }
            let type = bytes[index]
            index += 1
            switch type {
            case UInt8(ascii: "N"):
                return expect(";") ? .null : nil
            case UInt8(ascii: "b"):
                guard expect(":"), let number = integer(until: ";") else { return nil }
                return .bool(number != 0)
            case UInt8(ascii: "i"):
                guard expect(":"), let number = integer(until: ";") else { return nil }
                return .int(number)
            case UInt8(ascii: "d"):
                guard expect(":"), let raw = token(until: ";"), let number = Double(raw) else { return nil }
                return .double(number)
            case UInt8(ascii: "s"):
                // `length <= remaining` rather than `index + length <= count`: a huge length must not overflow.
                guard expect(":"), let length = integer(until: ":"), length >= 0, expect("\""),
                    length <= bytes.count - index
                else { return nil }
                let text = String(decoding: bytes[index..<index + length], as: UTF8.self)
                index += length
                return expect("\"") && expect(";") ? .string(text) : nil
            case UInt8(ascii: "a"):
                guard depth < 16, expect(":"), let count = integer(until: ":"), count >= 0, count < 10_000, expect("{")
                else { return nil }
                depth += 1
                defer { depth -= 1 }
                var items: [(Value, Value)] = []
                for _ in 0..<count {
                    guard let key = value(), let item = value() else { return nil }
                    items.append((key, item))
                }
                return expect("}") ? .array(items) : nil
            default:
                return nil
            }
        }

        mutating func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }

        mutating func token(until terminator: Character) -> String? {
            guard let end = bytes[index...].firstIndex(of: terminator.asciiValue!) else { return nil }
            let text = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end + 1
            return text
        }

        mutating func integer(until terminator: Character) -> Int? {
            token(until: terminator).flatMap { Int($0) }
        }
    }
}
