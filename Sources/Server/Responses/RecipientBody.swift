import Campaigns
import Foundation

/// An audience member in a preview's sample (the address masked on request).
struct RecipientBody: Encodable {
    let customerId: Int
    let name: String
    let address: String
    /// `rebook_due` only: when the customer fell due to book again (epoch s, DESIGN §19).
    let dueAt: Int?

    init(_ r: Recipient, masked: Bool = false) {
        dueAt = r.dueAt
        customerId = r.customerID
        name = r.displayName
        address = masked ? Self.mask(r.address) : r.address
    }

    /// `+447700900123` → `+447*******23`; `ann@example.com` → `a***@example.com`.
    static func mask(_ address: String) -> String {
        if let at = address.firstIndex(of: "@") {
            return String(address.prefix(1)) + "***" + address[at...]
        }
        let visibleHead = min(4, address.count)
        let visibleTail = min(2, max(0, address.count - visibleHead))
        return String(address.prefix(visibleHead)) + String(repeating: "*", count: address.count - visibleHead - visibleTail)
            + String(address.suffix(visibleTail))
    }
}
