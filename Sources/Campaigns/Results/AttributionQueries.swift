import Foundation
import SQL

/// The quoted table names the results queries read.
public struct AttributionTables: Sendable, Hashable {
    public var appointments: SQLIdentifier
    public var services: SQLIdentifier
    public var logs: SQLIdentifier

    public init(appointments: SQLIdentifier, services: SQLIdentifier, logs: SQLIdentifier) {
        self.appointments = appointments
        self.services = services
        self.logs = logs
    }
}

/// What one attribution pass covers: some campaigns of a tenant, optionally one run, and the
/// time span their messages (or holdout snapshots) fall in.
public struct AttributionRequest: Sendable, Hashable {
    public var scope: TenantScope
    public var campaignIDs: [Int]
    public var run: Int?
    /// Attribution window per channel, in days (§10 `attribution_days`).
    public var windowDays: [Channel: Int]
    /// Epoch seconds of the first and last message (or snapshot) considered.
    public var first: Int
    public var last: Int
    /// Day starts for the daily series; nil = no daily breakdown.
    public var days: DaySeries?

    public init(
        scope: TenantScope, campaignIDs: [Int], run: Int? = nil, windowDays: [Channel: Int], first: Int, last: Int,
        days: DaySeries? = nil
    ) {
        self.scope = scope
        self.campaignIDs = campaignIDs
        self.run = run
        self.windowDays = windowDays
        self.first = first
        self.last = last
        self.days = days
    }

    func window(_ channel: Channel) -> Int { (windowDays[channel] ?? ChannelSettings.defaultAttributionDays) * 86_400 }
    var longestWindow: Int { Channel.allCases.map(window).max() ?? ChannelSettings.defaultAttributionDays * 86_400 }
    /// Bookings after this are outside every window.
    var end: Int { last + longestWindow }
}

/// Builds the results queries of DESIGN §12 as values (the store runs them).
///
/// Attribution is one set-based pass: the tenant's appointments created in the span (one scan
/// of Booknetic's table, which has no index but its primary key) are joined to every message
/// of the tenant sent in the span (any campaign, manual sends included; read from the
/// `idx_touch` index alone) to the same customer before the booking and within that
/// message's window; `ROW_NUMBER()` over each appointment keeps the
/// latest such message (last touch), and only bookings whose last touch is one of the
/// requested campaigns are counted. `WITH ROLLUP` gives per-run and per-campaign distinct
/// customers in the same statement.
public struct AttributionQueries: Sendable {
    public let tables: AttributionTables

    public init(tables: AttributionTables) {
        self.tables = tables
    }

    /// A derived table with LIMIT is never merged into the outer query: each side is read
    /// once (the appointments in one scan) and MariaDB joins them through a key it builds on
    /// the materialized rows. Merged, it chose a block nested loop of 10^11 comparisons.
    static let materialized: SQLQuery = "\n    LIMIT 18446744073709551615"

    /// `status IN (sent, delivered)`: the rows that reached their recipient.
    static let reached: SQLQuery = "status IN (\(list: LogStatus.reached))"

    /// Per campaign and run: `messaged` (rows sent or delivered: one per customer and address
    /// in a run) and the first and last `sent_at` as epoch seconds; read from `idx_campaign_run`
    /// alone.
    public func groups(_ scope: TenantScope, campaignIDs: [Int], run: Int?) -> SQLQuery {
        let reached = Self.reached
        var q: SQLQuery = "SELECT campaign_id, run, SUM(\(reached)) AS messaged,\n  UNIX_TIMESTAMP(MIN(IF(\(reached), sent_at, NULL)))"
        q.append(" AS first_sent, UNIX_TIMESTAMP(MAX(IF(\(reached), sent_at, NULL))) AS last_sent\nFROM \(identifier: tables.logs)\nWHERE ")
        q.append(campaigns(scope, campaignIDs: campaignIDs, run: run))
        q.append("\nGROUP BY campaign_id, run")
        return q
    }

    /// Per campaign and run: `held_out` rows and the first and last holdout snapshot (epoch
    /// seconds); reads the skipped rows only (`idx_claim`).
    public func heldOut(_ scope: TenantScope, campaignIDs: [Int], run: Int?) -> SQLQuery {
        var q: SQLQuery = "SELECT campaign_id, run, COUNT(*) AS held_out, UNIX_TIMESTAMP(MIN(created_at)) AS first_held,"
        q.append(" UNIX_TIMESTAMP(MAX(created_at)) AS last_held\nFROM \(identifier: tables.logs)\nWHERE ")
        q.append(campaigns(scope, campaignIDs: campaignIDs, run: run))
        q.append(" AND status = \(LogStatus.skipped) AND last_error = \(SkipReason.holdout)")
        q.append("\nGROUP BY campaign_id, run")
        return q
    }

    /// The campaigns of `channels` that sent or delivered a message since `since` (epoch
    /// seconds): rows `campaign_id`, from `idx_touch` alone.
    public func campaignsMessaging(_ scope: TenantScope, channels: [Channel], since: Int) -> SQLQuery {
        var q: SQLQuery = "SELECT DISTINCT campaign_id FROM \(identifier: tables.logs)\nWHERE tenant_key = \(scope.key)"
        q.append(" AND sent_at >= \(Date(timeIntervalSince1970: TimeInterval(since))) AND \(Self.reached)")
        q.append(" AND channel IN (\(list: channels))")
        return q
    }

    private func campaigns(_ scope: TenantScope, campaignIDs: [Int], run: Int?) -> SQLQuery {
        var q: SQLQuery = "tenant_key = \(scope.key) AND campaign_id IN (\(list: campaignIDs))"
        if let run {
            q.append(" AND run = \(run)")
        }
        return q
    }

    /// Distinct customers (and, for rows without one, addresses) messaged and held out over all
    /// runs of campaigns that have several: rows `campaign_id, messaged, held_out`.
    public func distinctCustomers(_ scope: TenantScope, campaignIDs: [Int]) -> SQLQuery {
        let reached = Self.reached
        var q: SQLQuery = "SELECT campaign_id,\n  COUNT(DISTINCT IF(\(reached), customer_id, NULL))"
        q.append(" + COUNT(DISTINCT IF(\(reached) AND customer_id IS NULL, address, NULL)) AS messaged,")
        q.append("\n  COUNT(DISTINCT IF(status = \(LogStatus.skipped) AND last_error = \(SkipReason.holdout), customer_id, NULL)) AS held_out")
        q.append("\nFROM \(identifier: tables.logs)\nWHERE tenant_key = \(scope.key) AND campaign_id IN (\(list: campaignIDs))")
        q.append("\nGROUP BY campaign_id")
        return q
    }

    /// Attributed bookings: rows `campaign_id, run, day` (NULL in rollup rows), `bookings`,
    /// `booked_customers`, `revenue`. `day` is the 1-based index into `request.days` (0 when
    /// there is no series).
    public func bookings(_ request: AttributionRequest) -> SQLQuery {
        var q: SQLQuery = "SELECT b.campaign_id, b.run, b.day, COUNT(*) AS bookings, COUNT(DISTINCT b.customer_id) AS booked_customers,"
        q.append(" SUM(COALESCE(s.price, b.paid_amount, 0)) AS revenue,")
        q.append(Self.directSums)
        q.append("\nFROM (\n")
        q.append(attributed(request))
        q.append("\nGROUP BY b.campaign_id, b.run, b.day WITH ROLLUP")
        return q
    }

    /// `direct_bookings` and `direct_revenue` over the attributed bookings `b`: booked after the
    /// first click of the message they are attributed to (DESIGN §18), whose log row `c` is read
    /// by its primary key, for attributed bookings only.
    static let directSums: SQLQuery = {
        let direct: SQLQuery = "c.clicked_at IS NOT NULL AND b.booked_ts >= UNIX_TIMESTAMP(c.clicked_at)"
        return " SUM(\(direct)) AS direct_bookings, SUM(IF(\(direct), COALESCE(s.price, b.paid_amount, 0), 0)) AS direct_revenue"
    }()

    /// The bookings whose last touch is one of the requested campaigns, as `b` (`campaign_id,
    /// run, log_id, booked_ts, customer_id, day, paid_amount`) joined to their service `s` and
    /// the winning message's log row `c`: the body of
    /// ``bookings(_:)`` from its derived table on.
    func attributed(_ request: AttributionRequest) -> SQLQuery {
        let scope = request.scope
        var q: SQLQuery = "  SELECT t.campaign_id, t.run, t.log_id, a.created_at AS booked_ts, a.customer_id, a.service_id, a.paid_amount, "
        if let days = request.days, !days.starts.isEmpty {
            q.append("INTERVAL(a.created_at, \(list: days.starts))")
        } else {
            q.append("0")
        }
        q.append(" AS day,\n    ROW_NUMBER() OVER (PARTITION BY a.id ORDER BY t.sent_ts DESC, t.log_id DESC) AS rn\n  FROM (\n")
        q.append(appointments(scope, from: request.first, until: request.end))
        q.append(Self.materialized)
        q.append("\n  ) a\n  JOIN (\n    SELECT l.id AS log_id, l.campaign_id, l.run, CAST(l.customer_id AS SIGNED) AS customer_id,")
        q.append(" UNIX_TIMESTAMP(l.sent_at) AS sent_ts,\n      UNIX_TIMESTAMP(l.sent_at) + CASE l.channel")
        for channel in Channel.allCases {
            q.append(" WHEN \(channel) THEN \(request.window(channel))")
        }
        q.append(" ELSE \(request.window(.sms)) END AS window_end\n    FROM \(identifier: tables.logs) l\n    WHERE l.tenant_key = \(scope.key)")
        q.append(" AND l.status IN (\(list: LogStatus.reached))")
        q.append(" AND l.sent_at >= \(Date(timeIntervalSince1970: TimeInterval(request.first)))")
        q.append(" AND l.sent_at < \(Date(timeIntervalSince1970: TimeInterval(request.end)))")
        q.append(" AND l.customer_id IS NOT NULL")
        q.append(Self.materialized)
        q.append("\n  ) t ON t.customer_id = a.customer_id AND a.created_at >= t.sent_ts AND a.created_at < t.window_end\n")
        // The price is read for the attributed bookings only, not for every scanned one.
        q.append(") b\nLEFT JOIN \(identifier: tables.services) s ON s.id = b.service_id AND \(scope.bookneticCondition(on: "s"))")
        q.append("\nLEFT JOIN \(identifier: tables.logs) c ON c.id = b.log_id")
        q.append("\nWHERE b.rn = 1 AND b.campaign_id IN (\(list: request.campaignIDs))")
        if let run = request.run {
            q.append(" AND b.run = \(run)")
        }
        return q
    }

    /// Recipients of the campaigns (one run or all) who clicked a tracked link (DESIGN §18):
    /// distinct customers, counted once over the campaigns (a broadcast, §14), and addresses of
    /// rows without one. Row `clicked`.
    public func clicked(_ scope: TenantScope, campaignIDs: [Int], run: Int?) -> SQLQuery {
        var q: SQLQuery = "SELECT COUNT(DISTINCT customer_id) + COUNT(DISTINCT IF(customer_id IS NULL, address, NULL)) AS clicked"
        q.append("\nFROM \(identifier: tables.logs)\nWHERE ")
        q.append(campaigns(scope, campaignIDs: campaignIDs, run: run))
        q.append(" AND clicked_at IS NOT NULL")
        return q
    }

    /// Held-out customers who booked within `channel`'s window after their snapshot anyway:
    /// rows `campaign_id, booked_customers`, or with `combined` one row over all the campaigns
    /// (a broadcast, §14: a customer held out on every channel counts once; `campaign_id` is
    /// NULL). `request.first`/`last` span the holdout snapshots.
    public func holdoutBookings(_ request: AttributionRequest, channel: Channel, combined: Bool = false) -> SQLQuery {
        var q: SQLQuery = combined ? "SELECT NULL AS campaign_id," : "SELECT h.campaign_id,"
        q.append(" COUNT(DISTINCT h.customer_id) AS booked_customers\nFROM (\n")
        q.append(appointments(request.scope, from: request.first, until: request.last + request.window(channel)))
        q.append(Self.materialized)
        q.append("\n) a\nJOIN (\n  SELECT campaign_id, CAST(customer_id AS SIGNED) AS customer_id, UNIX_TIMESTAMP(created_at) AS start_ts\n")
        q.append("  FROM \(identifier: tables.logs)\n  WHERE tenant_key = \(request.scope.key) AND campaign_id IN (\(list: request.campaignIDs))")
        q.append(" AND status = \(LogStatus.skipped) AND last_error = \(SkipReason.holdout)")
        if let run = request.run {
            q.append(" AND run = \(run)")
        }
        q.append(Self.materialized)
        q.append("\n) h ON h.customer_id = a.customer_id AND a.created_at >= h.start_ts AND a.created_at < h.start_ts + \(request.window(channel))")
        if !combined {
            q.append("\nGROUP BY h.campaign_id")
        }
        return q
    }

    /// The tenant's bookings created in [from, until): `id, customer_id, created_at, service_id,
    /// paid_amount`.
    func appointments(_ scope: TenantScope, from: Int, until: Int) -> SQLQuery {
        var q: SQLQuery = "    SELECT CAST(a.id AS SIGNED) AS id, CAST(a.customer_id AS SIGNED) AS customer_id,"
        q.append(" CAST(a.created_at AS SIGNED) AS created_at, a.service_id, a.paid_amount\n")
        q.append("    FROM \(identifier: tables.appointments) a\n    WHERE \(scope.bookneticCondition(on: "a"))")
        q.append(" AND a.created_at >= \(from) AND a.created_at < \(until)")
        q.append(" AND a.customer_id IS NOT NULL AND COALESCE(a.status, '') NOT IN (\(list: AppointmentStatus.inactive))")
        return q
    }
}
