/// The MariaDB server error codes the service reacts to, by name (the shape of postgres-nio's
/// `PSQLError.Code`): callers ask ``MariaDBError/is(_:)`` or a named predicate, never compare
/// bare numbers.
public struct MariaDBErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// ER_DB_ACCESS_DENIED_ERROR: no access to the database.
    public static let databaseAccessDenied = MariaDBErrorCode(rawValue: 1044)
    /// ER_BAD_FIELD_ERROR: an unknown column (an install that lacks an optional one).
    public static let unknownColumn = MariaDBErrorCode(rawValue: 1054)
    /// ER_DUP_ENTRY: a unique or primary key was violated.
    public static let duplicateEntry = MariaDBErrorCode(rawValue: 1062)
    /// ER_TABLEACCESS_DENIED_ERROR: the user lacks a privilege on the table.
    public static let tableAccessDenied = MariaDBErrorCode(rawValue: 1142)
    /// ER_COLUMNACCESS_DENIED_ERROR: the user lacks a privilege on a column.
    public static let columnAccessDenied = MariaDBErrorCode(rawValue: 1143)
    /// ER_NO_SUCH_TABLE: the table does not exist.
    public static let noSuchTable = MariaDBErrorCode(rawValue: 1146)
    /// ER_LOCK_WAIT_TIMEOUT: a lock wait timed out; the statement was rolled back.
    public static let lockWaitTimeout = MariaDBErrorCode(rawValue: 1205)
    /// ER_LOCK_DEADLOCK: InnoDB chose the transaction as a deadlock victim and rolled it back.
    public static let deadlock = MariaDBErrorCode(rawValue: 1213)
    /// ER_WARN_DATA_OUT_OF_RANGE: a number outside its column's range (strict mode).
    public static let outOfRange = MariaDBErrorCode(rawValue: 1264)
    /// ER_DATA_TOO_LONG: a value longer than its column (strict mode).
    public static let dataTooLong = MariaDBErrorCode(rawValue: 1406)

    public var description: String { String(rawValue) }
}

extension MariaDBError {
    /// Whether the server answered with `code`.
    public func `is`(_ code: MariaDBErrorCode) -> Bool { self.code == code.rawValue }

    /// A value too long or out of range for its column: input a limit validation missed.
    public var isDataTooLong: Bool { `is`(.dataTooLong) || `is`(.outOfRange) }

    /// A column the statement names does not exist.
    public var isUnknownColumn: Bool { `is`(.unknownColumn) }
}
