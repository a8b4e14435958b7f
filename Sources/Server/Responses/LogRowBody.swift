import Campaigns
import Foundation

/// One row of a campaign's log: the one mapping of ``CampaignLogRow`` to what the API answers,
/// as JSON (`GET /campaigns/{id}/logs`) and as CSV (`/logs.csv`, every field but
/// `next_attempt_at`, in the order of ``csvColumns``).
struct LogRowBody: Encodable {
    let id: Int
    let run: Int
    let customerId: Int?
    let address: String
    let firstName: String?
    let lastName: String?
    let status: String
    let attempts: Int
    let nextAttemptAt: Date?
    let lastError: String?
    let providerMessageId: String?
    let sentAt: Date?
    let updatedAt: Date
    /// Until when quiet hours hold the row (its `next_attempt_at`); null when it is not held.
    let heldUntil: Nullable<Date>
    /// The content variant the recipient gets (DESIGN §15), null for the base text.
    let locale: Nullable<String>
    /// Engagement (DESIGN §18): the first click, the clicks, the first open (indicative).
    let clickedAt: Nullable<Date>
    let clicks: Int
    let openedAt: Nullable<Date>

    init(_ r: CampaignLogRow) {
        locale = Nullable(r.locale)
        clickedAt = Nullable(r.engagement.clickedAt)
        clicks = r.engagement.clicks
        openedAt = Nullable(r.engagement.openedAt)
        heldUntil = Nullable(r.heldUntil)
        id = r.id
        run = r.run
        customerId = r.customerID
        address = r.address
        firstName = r.firstName
        lastName = r.lastName
        status = r.status.rawValue
        attempts = r.attempts
        nextAttemptAt = r.nextAttemptAt
        lastError = r.lastError
        providerMessageId = r.providerMessageID
        sentAt = r.sentAt
        updatedAt = r.updatedAt
    }

    /// The CSV export's header.
    static let csvColumns: [String?] = [
        "id", "run", "customer_id", "address", "first_name", "last_name", "status", "attempts", "last_error",
        "provider_message_id", "sent_at", "updated_at", "held_until", "clicked_at", "clicks", "opened_at",
    ]

    /// The CSV export's cells, in the order of ``csvColumns`` (dates as ISO 8601, absent as empty).
    var csvCells: [String?] {
        [
            String(id), String(run), customerId.map(String.init), address, firstName, lastName, status, String(attempts), lastError,
            providerMessageId, sentAt.map(Self.iso), Self.iso(updatedAt), heldUntil.value.map(Self.iso), clickedAt.value.map(Self.iso),
            String(clicks), openedAt.value.map(Self.iso),
        ]
    }

    private static func iso(_ date: Date) -> String { date.formatted(.iso8601) }
}
