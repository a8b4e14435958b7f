import MariaDB

/// The WordPress table prefix (`wp_` by default). Validated once, so table names built from it
/// can be spliced into SQL text safely (identifiers cannot be bound as values).
public struct TablePrefix: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    /// Why a prefix was refused.
    public enum Invalid: Error, Sendable, CustomStringConvertible {
        case characters(String)
        public var description: String {
            switch self {
            case .characters(let raw):
                "table prefix '\(raw)' may only contain letters, digits and underscores (at most 32)"
            }
        }
    }

    public init(_ raw: String) throws(Invalid) {
        guard raw.count <= 32, raw.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") })
        else { throw .characters(raw) }
        value = raw
    }

    /// The default WordPress prefix.
    public static let wordpressDefault = TablePrefix(validated: "wp_")

    private init(validated value: String) { self.value = value }

    /// A quoted Booknetic or sidecar table name: `bkntc("customers")` → `` `wp_bkntc_customers` ``.
    public func bkntc(_ name: String) -> SQLIdentifier { identifier("bkntc_\(name)") }

    /// A quoted WordPress core table name: `wordpress("options")` → `` `wp_options` ``.
    public func wordpress(_ name: String) -> SQLIdentifier { identifier(name) }

    /// The unquoted name of a Booknetic or sidecar table (for `information_schema` look-ups).
    public func bareName(_ name: String) -> String { "\(value)bkntc_\(name)" }

    private func identifier(_ name: String) -> SQLIdentifier {
        // The prefix is validated and names come from code, so this always succeeds.
        SQLIdentifier("`\(value)\(name)`") ?? SQLIdentifier(stringLiteral: "invalid_identifier")
    }

    /// Replaces `{prefix}` in a trusted SQL file.
    public func apply(to sql: String) -> String { sql.replacingOccurrences(of: "{prefix}", with: value) }

    public var description: String { value }
}
