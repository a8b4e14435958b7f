import Foundation
import SQL

/// `rebook_due` (DESIGN §19): customers whose usual rhythm says they are due to book again.
extension AudienceCompiler {
    /// A derived table `(customer_id, due_at)` of the tenant's customers that are due now.
    ///
    /// Two passes over the tenant's active appointments, in window functions and GROUP BY only
    /// (no query per customer). `k`, per customer: each visit is past or upcoming (`future`);
    /// within the past ones, in `starts_at`, `id` order, the gap to the previous visit, whether
    /// it is the last, and their count; then each gap's rank, so the GROUP BY averages the one
    /// or two middle gaps (the median) and takes the last visit's start and service, keeping
    /// customers with no upcoming visit. `v`, per service: the gaps between each customer's
    /// neighbouring past visits of that service, ranked, and their median and count. The due time
    /// uses the own median with at least `minVisits` past visits, else the last service's with at
    /// least `minServiceGaps` gaps. `due_at` is the due time rounded down to a second.
    ///
    /// Window levels are kept few and narrow: each is a sort of the tenant's appointments
    /// (an earlier form with a window per median took minutes on 1M appointments).
    func rebookDue(_ rule: RebookRule, scope: TenantScope, now: Int) -> SQLQuery {
        let active: SQLQuery = "COALESCE(a.status, '') NOT IN (\(list: AppointmentStatus.inactive))"
        let appointments: SQLQuery = "\(identifier: tables.appointments) a WHERE \(scope.bookneticCondition(on: "a")) AND \(active)"
        var q: SQLQuery = "SELECT l.customer_id, CAST(FLOOR(l.due) AS SIGNED) AS due_at FROM ("
        q.append("\n          SELECT k.customer_id, k.last_s + \(rule.factor) * CASE WHEN k.visits >= \(rule.minVisits) THEN k.own")
        q.append(" WHEN v.gaps >= \(RebookRule.minServiceGaps) THEN v.median END AS due")
        q.append("\n          FROM (")
        q.append("\n            SELECT r.customer_id, MAX(IF(r.future = 0, r.s, NULL)) AS last_s,")
        q.append(" MAX(IF(r.future = 0 AND r.is_last = 1, r.service_id, NULL)) AS last_service,")
        q.append(" MAX(IF(r.future = 0, r.visits, 0)) AS visits,")
        q.append(" AVG(IF(r.future = 0 AND r.gap_rank IN (r.visits DIV 2, (r.visits + 1) DIV 2), r.gap, NULL)) AS own")
        q.append("\n            FROM (")
        q.append("\n              SELECT p.customer_id, p.service_id, p.s, p.future, p.gap, p.is_last, p.visits,")
        q.append(" ROW_NUMBER() OVER (PARTITION BY p.customer_id, p.future ORDER BY p.gap) - 1 AS gap_rank")
        q.append("\n              FROM (")
        q.append("\n                SELECT e.customer_id, e.service_id, e.s, e.future, e.s - LAG(e.s) OVER w AS gap,")
        q.append(" IF(LEAD(e.s) OVER w IS NULL, 1, 0) AS is_last, COUNT(*) OVER (PARTITION BY e.customer_id, e.future) AS visits")
        q.append("\n                FROM (SELECT a.customer_id, a.service_id, a.id, CAST(a.starts_at AS SIGNED) AS s,")
        q.append(" IF(a.starts_at >= \(now), 1, 0) AS future FROM \(appointments)")
        q.append(" AND a.starts_at IS NOT NULL AND a.customer_id IS NOT NULL) e")
        q.append("\n                WINDOW w AS (PARTITION BY e.customer_id, e.future ORDER BY e.s, e.id)")
        q.append("\n              ) p")
        q.append("\n            ) r GROUP BY r.customer_id HAVING MAX(r.future) = 0")
        q.append("\n          ) k")
        q.append("\n          LEFT JOIN (")
        q.append("\n            SELECT g.service_id, MAX(g.gaps) AS gaps,")
        q.append(" AVG(IF(g.gap_rank IN ((g.gaps + 1) DIV 2, g.gaps DIV 2 + 1), g.gap, NULL)) AS median")
        q.append("\n            FROM (")
        q.append("\n              SELECT h.service_id, h.gap, ROW_NUMBER() OVER (PARTITION BY h.service_id ORDER BY h.gap) AS gap_rank,")
        q.append(" COUNT(*) OVER (PARTITION BY h.service_id) AS gaps")
        q.append("\n              FROM (")
        q.append("\n                SELECT f.service_id, f.s - LAG(f.s) OVER (PARTITION BY f.customer_id, f.service_id ORDER BY f.s, f.id) AS gap")
        q.append("\n                FROM (SELECT a.customer_id, a.service_id, a.id, CAST(a.starts_at AS SIGNED) AS s FROM \(appointments)")
        q.append(" AND a.starts_at < \(now) AND a.customer_id IS NOT NULL AND a.service_id IS NOT NULL) f")
        q.append("\n              ) h WHERE h.gap IS NOT NULL")
        q.append("\n            ) g GROUP BY g.service_id")
        q.append("\n          ) v ON v.service_id = k.last_service")
        q.append("\n        ) l WHERE l.due <= \(now) AND l.due + \(rule.windowDays * 86_400) > \(now)")
        return q
    }
}
