import Foundation
import MariaDB

/// What `DemoBookings.bookAfter` wrote.
public struct DemoBookingsSummary: Sendable {
    /// Appointments booked by messaged customers after their message.
    public let messagedBookings: Int
    /// Appointments booked by held-out customers after the snapshot (a smaller share).
    public let heldOutBookings: Int
}

/// Books some of a sent campaign's customers after their message, so the demo's results are
/// not all zero: a `share` of the messaged customers (and a third of that share of the held-out
/// ones) get an approved appointment created between their message and now, for one of their
/// tenant's services. Deterministic by seed. Demo and tests only: it writes Booknetic's table.
public struct DemoBookings: Sendable {
    let pool: MariaDBPool
    let prefix: TablePrefix

    public init(pool: MariaDBPool, prefix: TablePrefix) {
        self.pool = pool
        self.prefix = prefix
    }

    public func bookAfter(campaignID: Int, share: Double = 0.3, seed: UInt64 = 42, now: Date = Date()) async throws -> DemoBookingsSummary {
        let logs = prefix.bkntc("campaign_logs")
        let services = prefix.bkntc("services")
        let appointments = prefix.bkntc("appointments")
        let nowSeconds = Int(now.timeIntervalSince1970)
        return try await pool.withConnection { db in
            let rows = try await db.query(
                """
                SELECT customer_id, tenant_id, status, UNIX_TIMESTAMP(COALESCE(sent_at, created_at)) AS at FROM \(identifier: logs)
                WHERE campaign_id = \(campaignID) AND customer_id IS NOT NULL
                  AND (status IN ('sent', 'delivered') OR (status = 'skipped' AND last_error = 'holdout'))
                ORDER BY id
                """)
            var serviceCache: [Int: [(id: Int, price: Double?)]] = [:]
            var values: [MariaDBQuery] = []
            var messaged = 0
            var heldOut = 0
            for (index, row) in rows.enumerated() {
                let customer: Int = try row.decode("customer_id")
                let tenant: Int? = try row.decode("tenant_id")
                let held = try row.decode("status", as: String.self) == "skipped"
                var random = SeededRandom(seed: seed ^ UInt64(campaignID), stream: .appointment, index: index)
                guard random.chance(held ? share / 3 : share) else { continue }
                let key = tenant ?? 0
                if serviceCache[key] == nil {
                    let condition: MariaDBQuery = tenant.map { "tenant_id = \($0)" } ?? "(tenant_id IS NULL OR tenant_id = 0)"
                    serviceCache[key] = try await db.query("SELECT id, price FROM \(identifier: services) WHERE \(condition) ORDER BY id")
                        .map { (try $0.decode("id"), try $0.decode("price", as: Double?.self)) }
                }
                let choices = serviceCache[key] ?? []
                let service = choices.isEmpty ? nil : random.pick(choices)
                let at: Int = try row.decode("at")
                let created = at + random.int(in: 0...max(0, min(nowSeconds - at, 5 * 86_400)))
                let starts = created + random.int(in: 1...14) * 86_400
                values.append(
                    """
                    (\(service?.id), \(customer), 'approved', \(starts), \(starts + 3600), \(starts), \(starts + 3600), \(service?.price),
                     \(created), \(tenant))
                    """)
                if held { heldOut += 1 } else { messaged += 1 }
            }
            for chunk in stride(from: 0, to: values.count, by: 250) {
                let rows = MariaDBQuery.joined(Array(values[chunk..<min(chunk + 250, values.count)]), separator: ", ")
                try await db.execute(
                    """
                    INSERT INTO \(identifier: appointments)
                      (service_id, customer_id, status, starts_at, ends_at, busy_from, busy_to, paid_amount, created_at, tenant_id)
                    VALUES \(rows)
                    """)
            }
            return DemoBookingsSummary(messagedBookings: messaged, heldOutBookings: heldOut)
        }
    }
}
