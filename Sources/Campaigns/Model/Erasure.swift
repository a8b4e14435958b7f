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
