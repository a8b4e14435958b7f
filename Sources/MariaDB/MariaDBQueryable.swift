/// Something that runs statements on one connection: a `MariaDBSession` (autocommit) or a
/// `MariaDBTransaction`. Repository methods take one, so several operations can share a lease
/// or a transaction and no code path needs a second lease while it holds one.
public protocol MariaDBQueryable: Sendable {
    /// Runs a query and returns all rows.
    func query(_ query: MariaDBQuery) async throws -> [MariaDBRow]
    /// Executes a statement that returns no rows.
    @discardableResult
    func execute(_ query: MariaDBQuery) async throws -> MariaDBExecResult
    /// Streams a result set in batches of at most `batchSize` rows (bounded memory).
    func streamRows(_ query: MariaDBQuery, batchSize: Int, _ handle: ([MariaDBRow]) async throws -> Void) async throws
}

extension MariaDBQueryable {
    /// Runs a query and returns its first row, if any.
    public func queryFirst(_ query: MariaDBQuery) async throws -> MariaDBRow? {
        try await self.query(query).first
    }
}
