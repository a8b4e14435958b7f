import MariaDB
import Testing

/// The server error codes the service reacts to, asked by name.
@Suite("Error codes by name")
struct ErrorCodeTests {
    static func server(_ code: UInt32) -> MariaDBError { .server(code: code, sqlState: "HY000", message: "", sql: "") }

    @Test func namedPredicatesMatchTheirCodesOnly() {
        #expect(Self.server(1406).isDataTooLong && Self.server(1264).isDataTooLong && !Self.server(1054).isDataTooLong)
        #expect(Self.server(1054).isUnknownColumn && !Self.server(1146).isUnknownColumn)
        #expect(Self.server(1213).isDeadlock && Self.server(1205).isDeadlock && !Self.server(1062).isDeadlock)
        #expect(Self.server(1062).isDuplicateKey && Self.server(1146).isMissingTable)
        #expect([1142, 1143, 1044].allSatisfy { Self.server($0).isAccessDenied } && !Self.server(1146).isAccessDenied)
        #expect(Self.server(1142).is(.tableAccessDenied) && !Self.server(1143).is(.tableAccessDenied))
        // Codes of a lost connection are not server answers to a statement.
        #expect(!MariaDBError.poolClosed.isDeadlock && MariaDBError.connectionLost(code: 2013, message: "").is(.deadlock) == false)
    }
}
