/// Deletes a person's campaign messages in one tenant: their log rows (and so their customer
/// history) and the outbox's copies. Suppressions stay, so an opt-out is never lost. One audit
/// entry records the erasure with its counts and never the person's addresses.
public protocol PersonalDataEraser: Sendable {
    /// Returns how many log rows were deleted. With `requireKnown` false (a customer id that is
    /// no longer a Booknetic customer of the tenant), a subject without a single row is not
    /// found (`DomainError.notFound`) and nothing is written.
    func erase(_ subject: ErasureSubject, scope: TenantScope, by user: Int?, requireKnown: Bool) async throws -> Int
}
