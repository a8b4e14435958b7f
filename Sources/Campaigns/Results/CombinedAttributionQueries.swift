import Foundation
import SQL

/// The results queries over several campaigns taken as one (a broadcast, DESIGN §14): a
/// customer messaged by two of them counts once, and a booking is attributed once (its last
/// touch is one message).
extension AttributionQueries {
    /// One row: `messaged` (distinct customers, plus addresses of rows without one) and
    /// `held_out` (distinct customers) over every run, with the first and last message and
    /// holdout snapshot as epoch seconds.
    public func combinedGroups(_ scope: TenantScope, campaignIDs: [Int]) -> SQLQuery {
        let reached = Self.reached
        let held: SQLQuery = "status = \(LogStatus.skipped) AND last_error = \(SkipReason.holdout)"
        var q: SQLQuery = "SELECT COUNT(DISTINCT IF(\(reached), customer_id, NULL))"
        q.append(" + COUNT(DISTINCT IF(\(reached) AND customer_id IS NULL, address, NULL)) AS messaged,")
        q.append("\n  COUNT(DISTINCT IF(\(held), customer_id, NULL)) AS held_out,")
        q.append("\n  UNIX_TIMESTAMP(MIN(IF(\(reached), sent_at, NULL))) AS first_sent,")
        q.append(" UNIX_TIMESTAMP(MAX(IF(\(reached), sent_at, NULL))) AS last_sent,")
        q.append("\n  UNIX_TIMESTAMP(MIN(IF(\(held), created_at, NULL))) AS first_held,")
        q.append(" UNIX_TIMESTAMP(MAX(IF(\(held), created_at, NULL))) AS last_held")
        q.append("\nFROM \(identifier: tables.logs)\nWHERE tenant_key = \(scope.key) AND campaign_id IN (\(list: campaignIDs))")
        return q
    }

    /// Attributed bookings of the campaigns together: rows `day` (1-based index into
    /// `request.days`; NULL in the total row), `bookings`, `booked_customers`, `revenue`,
    /// `direct_bookings`, `direct_revenue` (DESIGN §18).
    public func combinedBookings(_ request: AttributionRequest) -> SQLQuery {
        var q: SQLQuery = "SELECT b.day, COUNT(*) AS bookings, COUNT(DISTINCT b.customer_id) AS booked_customers,"
        q.append(" SUM(COALESCE(s.price, b.paid_amount, 0)) AS revenue,")
        q.append(Self.directSums)
        q.append("\nFROM (\n")
        q.append(attributed(request))
        q.append("\nGROUP BY b.day WITH ROLLUP")
        return q
    }
}
