import Foundation

/// The per-recipient values that message shortcodes such as `{customer_name}` expand to.
public struct RecipientFields: Sendable, Hashable {
    /// The customer's first name, if known.
    public var firstName: String?
    /// The customer's last name, if known.
    public var lastName: String?
    /// The customer's phone number (normally E.164), if known.
    public var phone: String?
    /// The customer's email address, if known.
    public var email: String?

    /// Creates recipient fields.
    public init(firstName: String? = nil, lastName: String? = nil, phone: String? = nil, email: String? = nil) {
        self.firstName = firstName
        self.lastName = lastName
        self.phone = phone
        self.email = email
    }

    /// The fields used for a test send: "Test Customer", with `address` as the phone number
    /// (SMS, WhatsApp) or the email address (email).
    public static func testCustomer(address: String, channel: Channel) -> RecipientFields {
        RecipientFields(
            firstName: "Test",
            lastName: "Customer",
            phone: channel.usesPhone ? address : nil,
            email: channel.usesPhone ? nil : address
        )
    }
}
