import CampaignStore
import Campaigns
import Foundation
import MariaDB
import TestSupport

/// DESIGN §19's `rebook_due` written in plain Swift from the text (not from the SQL), and
/// hand-made customers 920001… of tenant 1 placed on its edges.
enum RebookDueFixture {
    struct Visit {
        let id: Int
        let customer: Int?
        let tenant: Int?
        let status: String?
        let startsAt: Int?
        let service: Int?
    }

    static func visits(_ pool: MariaDBPool) async throws -> [Visit] {
        try await pool.withConnection { db in
            try await db.query("SELECT id, customer_id, tenant_id, status, starts_at, service_id FROM wpx_bkntc_appointments").map {
                Visit(
                    id: try $0.decode("id"), customer: try $0.decode("customer_id"), tenant: try $0.decode("tenant_id"),
                    status: try $0.decode("status"), startsAt: try $0.decode("starts_at"), service: try $0.decode("service_id"))
            }
        }
    }

    /// The median; an even count gives the mean of the two middle values.
    static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
    }

    /// Gaps between neighbours of visits already in order.
    static func gaps(_ visits: [Visit]) -> [Int] {
        zip(visits, visits.dropFirst()).map { $1.startsAt! - $0.startsAt! }
    }

    /// Customer id → due time (epoch s, unrounded) of every customer of `scope` in the audience.
    static func due(_ all: [Visit], scope: TenantScope, rule: RebookRule, now: Int) -> [Int: Double] {
        func inScope(_ tenant: Int?) -> Bool {
            switch scope {
            case .singleSite: tenant == nil || tenant == 0
            case .tenant(let id): tenant == id
            }
        }
        let active = all.filter { v in
            inScope(v.tenant) && v.customer != nil && v.startsAt != nil && !["canceled", "rejected"].contains((v.status ?? "").lowercased())
        }
        let byCustomer = Dictionary(grouping: active, by: { $0.customer! })
        // Each customer's past visits, sorted by start then id.
        let past = byCustomer.mapValues { list in
            list.filter { $0.startsAt! < now }.sorted { ($0.startsAt!, $0.id) < ($1.startsAt!, $1.id) }
        }
        // Per service: the gaps between each customer's neighbouring visits of that service.
        var serviceGaps: [Int: [Int]] = [:]
        for list in past.values {
            for (service, visits) in Dictionary(grouping: list.filter { $0.service != nil }, by: { $0.service! }) {
                serviceGaps[service, default: []] += gaps(visits)
            }
        }
        var result: [Int: Double] = [:]
        for (customer, list) in byCustomer {
            if list.contains(where: { $0.startsAt! >= now }) { continue }
            let visits = past[customer] ?? []
            guard let last = visits.last else { continue }
            let interval: Double
            if visits.count >= rule.minVisits, let own = median(gaps(visits)) {
                interval = own
            } else if let service = last.service, let list = serviceGaps[service], list.count >= RebookRule.minServiceGaps {
                interval = median(list)!
            } else {
                continue
            }
            let due = Double(last.startsAt!) + rule.factor * interval
            if due <= Double(now), Double(now) < due + Double(rule.windowDays * 86_400) { result[customer] = due }
        }
        return result
    }

    /// Customers 920001… of tenant 1: visits as (customer, status, starts_at, service); ids in
    /// insertion order, so ties on starts_at are broken by the later row.
    static func addEdges(_ pool: MariaDBPool, now n: Int) async throws {
        let d = 86_400
        var rows: [(Int, String?, Int?, Int?)] = []
        func visits(_ customer: Int, _ starts: [Int?], status: String? = "approved", service: Int? = 1) {
            rows += starts.map { (customer, status, $0, service) }
        }
        visits(920_001, [n - 90 * d, n - 60 * d, n - 30 * d])  // due exactly now: in
        visits(920_002, [n - 90 * d + 1, n - 60 * d + 1, n - 30 * d + 1])  // due a second from now: out
        visits(920_003, [n - 97 * d, n - 67 * d, n - 37 * d])  // the window ends exactly now: out
        visits(920_004, [n - 97 * d + 1, n - 67 * d + 1, n - 37 * d + 1])  // a second before the window's end: in
        visits(920_005, [n - 45 * d, n - 35 * d, n - 15 * d])  // gaps 10 and 20 days: median 15, due now
        // Cancelled and rejected visits in between are not visits: gaps of 30 days, due now.
        visits(920_006, [n - 90 * d, n - 60 * d, n - 30 * d])
        visits(920_006, [n - 75 * d], status: "canceled")
        visits(920_006, [n - 45 * d], status: "rejected")
        // An upcoming active visit keeps a due customer out; an upcoming cancelled one does not.
        visits(920_007, [n - 90 * d, n - 60 * d, n - 30 * d, n + 10 * d])
        visits(920_008, [n - 90 * d, n - 60 * d, n - 30 * d])
        visits(920_008, [n + 10 * d], status: "canceled")
        visits(920_009, [n - 60 * d, n - 30 * d, n])  // one starting exactly now is upcoming: out
        // A tie on the last start: the higher id is `last`, of service 78 (no interval of its own).
        visits(920_010, [n - 50 * d, n - 20 * d])
        visits(920_010, [n - 20 * d], service: 78)
        // Service 77: three customers with 20-day gaps long ago (6 gaps, median 20 days)…
        for customer in 920_011...920_013 { visits(customer, [n - 400 * d, n - 380 * d, n - 360 * d], service: 77) }
        visits(920_014, [n - 20 * d], service: 77)  // one visit: the service's 20 days, due now
        visits(920_015, [n - 100 * d], service: 1)  // two visits, the last of service 77, due a second ago
        visits(920_015, [n - 20 * d - 1], service: 77)
        visits(920_016, [n - 20 * d + 1], service: 77)  // due a second from now: out
        // Service 78 has four gaps only (920_017 and 920_018): no service interval.
        for customer in 920_017...920_018 { visits(customer, [n - 300 * d, n - 280 * d, n - 260 * d], service: 78) }
        visits(920_019, [n - 20 * d], service: 78)
        // Messy rows: no start (not a visit), no status (active), a capitalised status, no service.
        visits(920_020, [n - 90 * d, n - 60 * d, n - 30 * d, nil])  // due now: in
        visits(920_021, [n - 90 * d])
        visits(920_021, [n - 60 * d, n - 30 * d], status: nil)  // three active visits: due now, in
        visits(920_022, [n - 90 * d, n - 60 * d, n - 30 * d])
        visits(920_022, [n - 75 * d, n - 45 * d], status: "CANCELED")  // not visits: due now, in
        visits(920_023, [n - 20 * d], service: nil)  // one visit of no service: no interval, out
        try await pool.withConnection { db in
            for customer in Set(rows.map(\.0)).sorted() {
                try await db.execute(
                    """
                    INSERT INTO wpx_bkntc_customers (id, first_name, last_name, phone_number, email, created_at, tenant_id)
                    VALUES (\(customer), 'Rebook', \(String(customer)), \("+44 7701 \(customer)"), \("r\(customer)@example.com"), '2025-01-01', 1)
                    """)
            }
            for (index, row) in rows.enumerated() {
                try await db.execute(
                    """
                    INSERT INTO wpx_bkntc_appointments (id, customer_id, status, starts_at, ends_at, created_at, tenant_id, service_id, location_id)
                    VALUES (\(960_000 + index), \(row.0), \(row.1), \(row.2), \(row.2.map { $0 + 3600 }), \(row.2.map { $0 - d }), 1, \(row.3), 1)
                    """)
            }
        }
    }
}
