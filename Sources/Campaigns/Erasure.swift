/// Who to erase (DESIGN §20): a Booknetic customer of the tenant (with the addresses their
/// customer row holds now), or an address on its own.
public struct ErasureSubject: Sendable, Hashable {
    /// The Booknetic customer id, when the request named one.
    public var customerID: Int?
    /// Normalized addresses (E.164 phones, emails) whose messages go too.
    public var addresses: [String]

    public init(customerID: Int?, addresses: [String]) {
        self.customerID = customerID
        self.addresses = addresses
    }
}

/// Deletes a person's campaign messages in one tenant: their log rows (and so their customer
/// history) and the outbox's copies. Suppressions stay, so an opt-out is never lost. One audit
/// entry records the erasure with its counts and never the person's addresses.
public protocol PersonalDataEraser: Sendable {
    /// Returns how many log rows were deleted. With `requireKnown` false (a customer id that is
    /// no longer a Booknetic customer of the tenant), a subject without a single row is not
    /// found (`DomainError.notFound`) and nothing is written.
    func erase(_ subject: ErasureSubject, scope: TenantScope, by user: Int?, requireKnown: Bool) async throws -> Int
}
