import Foundation

/// Whose key an `Idempotency-Key` is (DESIGN §21): the same key sent by another user, in another
/// tenant, or to another method or path is another key.
public struct IdempotencyScope: Sendable, Hashable {
    public var tenant: TenantScope
    /// The WordPress user (nil for the system identity of the cron bridge).
    public var userID: Int?
    public var method: String
    public var path: String
    public var key: String

    public init(tenant: TenantScope, userID: Int?, method: String, path: String, key: String) {
        self.tenant = tenant
        self.userID = userID
        self.method = method
        self.path = path
        self.key = key
    }

    /// The text the stores hash to find the key: every part, each on its own line.
    public var canonical: String {
        [tenant.tenantID.map(String.init) ?? "", userID.map(String.init) ?? "", method, path, key].joined(separator: "\n")
    }

    /// Whether `text` is a well-formed key: 1 to 64 visible ASCII characters (`!` to `~`).
    public static func isValidKey(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (1...64).contains(bytes.count) && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }
}

/// The first answer to a request with a key, kept to be given again to a repeat.
public struct IdempotentAnswer: Sendable, Hashable {
    /// The HTTP status (always below 500: a server failure is never kept).
    public var status: Int
    public var contentType: String?
    public var body: [UInt8]

    public init(status: Int, contentType: String?, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// What the store says about a key when a request arrives with it.
public enum IdempotencyClaim: Sendable, Hashable {
    /// The key is new (or its earlier use expired or was released): this request runs and
    /// must then `complete` or `release` it.
    case claimed
    /// The key was used with the same body: its first answer.
    case replay(IdempotentAnswer)
    /// The key was used with a different body (422 `idempotency_key_reused`).
    case reused
    /// The first request with this key and body is still running.
    case inProgress
}
