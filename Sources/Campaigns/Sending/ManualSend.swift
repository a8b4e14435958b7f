import Foundation

/// A Booknetic customer's contact data (for manual sends and the editor's pickers).
public struct CustomerContact: Sendable, Hashable {
    public var id: Int
    public var firstName: String?
    public var lastName: String?
    public var phone: String?
    public var email: String?

    public init(id: Int, firstName: String?, lastName: String?, phone: String?, email: String?) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.phone = phone
        self.email = email
    }

    /// The customer's name as people read it ("Ann Lee"), or "Customer #id" without one.
    public var displayName: String {
        let name = [firstName, lastName].compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            .joined(separator: " ")
        return name.isEmpty ? "Customer #\(id)" : name
    }
}

/// Who a manual send reaches, before the suppression list is applied (DESIGN §7).
public struct ManualRecipients: Sendable, Hashable {
    /// Normalized, unique by address, in the order given.
    public var recipients: [Recipient]
    /// Entries that normalized to an address already listed.
    public var duplicates: Int
    /// Entries that are not an address for the channel, as given, or a sentence naming the chosen
    /// customer who has none (by name; by number only when the customer no longer exists).
    public var invalid: [String]

    public init(recipients: [Recipient], duplicates: Int, invalid: [String]) {
        self.recipients = recipients
        self.duplicates = duplicates
        self.invalid = invalid
    }

    /// The most recipients one manual send takes.
    public static let limit = 10_000

    /// Parses pasted addresses: one per line, or separated by commas or semicolons.
    public static func parse(_ text: String, channel: Channel, normalizer: AddressNormalizer) -> ManualRecipients {
        var result = ManualRecipients(recipients: [], duplicates: 0, invalid: [])
        var seen = Set<String>()
        let entries = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "," || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for entry in entries {
            guard let address = normalizer.normalize(entry, for: channel) else {
                result.invalid.append(String(entry.prefix(254)))
                continue
            }
            if !seen.insert(address.lowercased()).inserted {
                result.duplicates += 1
                continue
            }
            result.recipients.append(Recipient(customerID: 0, address: address, firstName: nil, lastName: nil))
        }
        return result
    }

    /// The customers' addresses for the channel (their real names render the message).
    /// `requested` are the ids asked for; ids not found in the tenant count as invalid.
    public static func customers(
        _ customers: [CustomerContact], requested: [Int], channel: Channel, normalizer: AddressNormalizer
    ) -> ManualRecipients {
        var result = ManualRecipients(recipients: [], duplicates: 0, invalid: [])
        var seen = Set<String>()
        var seenIDs = Set<Int>()
        let byID = Dictionary(customers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in requested {
            guard seenIDs.insert(id).inserted else {
                result.duplicates += 1
                continue
            }
            guard let customer = byID[id] else {
                result.invalid.append("A customer you chose no longer exists (#\(id))")
                continue
            }
            guard let address = normalizer.normalize(channel.usesPhone ? customer.phone : customer.email, for: channel) else {
                let kind = channel.usesPhone ? "phone number with a country code" : "email address"
                result.invalid.append("\(customer.displayName) has no valid \(kind)")
                continue
            }
            if !seen.insert(address.lowercased()).inserted {
                result.duplicates += 1
                continue
            }
            result.recipients.append(Recipient(customerID: id, address: address, firstName: customer.firstName, lastName: customer.lastName))
        }
        return result
    }
}

/// A validated `POST /api/v1/manual-send`.
public struct ManualSendDraft: Sendable, Hashable {
    public var channel: Channel
    public var name: String
    public var subject: String?
    public var body: String
    /// The email's button (DESIGN §15), stored on the manual campaign like a campaign's.
    public var action: CallToAction?
    /// `"confirm_duplicate": true`: the sender knows the same message just went to the same
    /// people and wants it sent again (DESIGN §21).
    public var confirmDuplicate: Bool

    public init(
        channel: Channel, name: String, subject: String?, body: String, action: CallToAction? = nil, confirmDuplicate: Bool = false
    ) {
        self.channel = channel
        self.name = name
        self.subject = subject
        self.body = body
        self.action = action
        self.confirmDuplicate = confirmDuplicate
    }
}

/// A repeated manual send (DESIGN §21): the same channel, subject, body and set of normalized
/// addresses as one the tenant queued within `window` is refused (409 `duplicate_send`) unless
/// the request confirms it.
public enum DuplicateSend {
    /// How far back a manual send counts as the same one (10 minutes).
    public static let window: TimeInterval = 600

    /// Whether two sets of normalized addresses are the same people (emails compare without case).
    public static func sameRecipients(_ one: [String], _ other: [String]) -> Bool {
        one.count == other.count && Set(one.map { $0.lowercased() }) == Set(other.map { $0.lowercased() })
    }

    /// The refusal, saying how long ago and to how many people the same message went.
    public static func refusal(recipients: Int, sentAt: Date, now: Date) -> DomainError {
        let minutes = max(0, Int(now.timeIntervalSince(sentAt) / 60))
        let when =
            switch minutes {
            case 0: "less than a minute ago"
            case 1: "1 minute ago"
            default: "\(minutes) minutes ago"
            }
        let whom = recipients == 1 ? "the same recipient" : "the same \(recipients) recipients"
        return .conflict(
            .duplicateSend,
            message: "The same message went to \(whom) \(when). Send it again?")
    }
}

/// A Booknetic service or location.
public struct DirectoryEntry: Sendable, Hashable {
    public var id: Int
    public var name: String
    public var isActive: Bool

    public init(id: Int, name: String, isActive: Bool) {
        self.id = id
        self.name = name
        self.isActive = isActive
    }
}
