import Foundation
import SQL

/// The quoted table names the audience query reads (built from a validated prefix).
public struct AudienceTables: Sendable, Hashable {
    public var customers: SQLIdentifier
    public var appointments: SQLIdentifier
    public var suppressions: SQLIdentifier
    /// The sidecar's log rows, read by a campaign's repeat rule.
    public var logs: SQLIdentifier

    public init(customers: SQLIdentifier, appointments: SQLIdentifier, suppressions: SQLIdentifier, logs: SQLIdentifier) {
        self.customers = customers
        self.appointments = appointments
        self.suppressions = suppressions
        self.logs = logs
    }
}

/// The earlier recipients a new run of a campaign leaves out (its repeat rule).
public struct RepeatExclusion: Sendable, Hashable {
    public var campaignID: Int
    public var rule: RepeatRule

    public init(campaignID: Int, rule: RepeatRule) {
        self.campaignID = campaignID
        self.rule = rule
    }
}

/// Who a campaign would reach: the inputs of one audience query.
public struct AudienceDefinition: Sendable, Hashable {
    public var channel: Channel
    public var segment: Segment
    public var filters: SegmentFilters
    public var scope: TenantScope
    /// The tenant's effective country calling code (`SiteSettings.defaultCountryCode`), which
    /// decides which national numbers are recipients; nil = national numbers are not.
    public var countryCode: String?
    /// The tenant's time zone, which decides which day "today" is for `birthday`.
    public var timeZone: TimeZone
    /// Earlier recipients of the campaign to leave out (a recurring campaign's repeat rule).
    public var repeatExclusion: RepeatExclusion?
    /// The translations a preview reports recipients' variants for (DESIGN §15); none by default.
    public var variants = LocalizedContent()
    /// Runs of a `first` broadcast's earlier channels, snapshotted in the same transaction:
    /// their customers (by customer id) are left out (DESIGN §14).
    public var earlierSnapshots: [RunReference] = []

    public init(
        channel: Channel, segment: Segment, filters: SegmentFilters = SegmentFilters(), scope: TenantScope,
        countryCode: String? = nil, timeZone: TimeZone = TimeZone(secondsFromGMT: 0)!, repeatExclusion: RepeatExclusion? = nil
    ) {
        self.timeZone = timeZone
        self.repeatExclusion = repeatExclusion
        self.channel = channel
        self.segment = segment
        self.filters = filters
        self.scope = scope
        self.countryCode = countryCode
    }
}

/// Compiles an audience definition to ONE parameterized query whose rows are the recipients
/// (`id, address, first_name, last_name`, one row per normalized address, lowest customer id
/// first). Preview (count + sample) and the send-time snapshot (`INSERT … SELECT`) wrap this
/// same query, so what preview shows is what send freezes.
///
/// The SQL mirrors `AddressNormalizer` exactly (tests check both agree on every case):
/// trim ASCII whitespace, drop ` \t().-`, `+`/`00`/national (trunk `0` dropped, default country
/// code prefixed), then `+` and 8–15 digits; emails are trimmed, syntax-checked and get a
/// lower-cased domain. Regex patterns are bound as values so `NO_BACKSLASH_ESCAPES` cannot bite.
public struct AudienceCompiler: Sendable {
    public let tables: AudienceTables

    public init(tables: AudienceTables) {
        self.tables = tables
    }

    static let trimPattern = "^[\\t\\n\\r\\f\\x0B ]+|[\\t\\n\\r\\f\\x0B ]+$"
    static let phoneNoisePattern = "[ \\t().-]"
    static let phonePattern = "(?-i)^\\+[0-9]{8,15}$"
    static let emailPattern =
        "(?-i)^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"

    /// The recipients query: columns `id, address, first_name, last_name`.
    ///
    /// Layers, inside out: `n0` scans the tenant's customers (joined to the appointment
    /// aggregate when the segment needs one) and strips the raw address; `n1` builds the
    /// candidate; `m` validates it into a narrow ASCII column and is *materialized* (a derived
    /// table with LIMIT is never merged), so the regex work runs once per customer instead of
    /// once per reference; `r` drops suppressed addresses and numbers duplicates (lowest id
    /// first); the outer query keeps the first of each address and joins the names back by
    /// primary key, so wide name columns stay out of the sort.
    public func recipients(_ audience: AudienceDefinition, now: Int) -> SQLQuery {
        let phone = audience.channel.usesPhone
        let scope = audience.scope
        let partition: SQLQuery = phone ? "m.address" : "LOWER(m.address)"
        let rebook = audience.segment.type == .rebookDue
        // `rebook_due` carries each recipient's due time out to the sample (DESIGN §19).
        func due(_ alias: SQLQuery, _ before: SQLQuery = ", ", _ after: SQLQuery = "") -> SQLQuery {
            rebook ? "\(before)\(alias).due_at\(after)" : ""
        }
        var q: SQLQuery = "SELECT r.id, r.address, cn.first_name, cn.last_name\(due("r")) FROM (\n"
        q.append("  SELECT m.id, m.address\(due("m")), ROW_NUMBER() OVER (PARTITION BY \(partition) ORDER BY m.id) AS rn\n")
        q.append("  FROM (\n")
        // The CAST sees validated values only: in a strict-mode INSERT ... SELECT a non-ASCII
        // string would otherwise fail the statement even though the row is filtered out.
        q.append(
            phone
                ? "    SELECT n1.id, CAST(CASE WHEN n1.candidate REGEXP \(Self.phonePattern) THEN n1.candidate END AS CHAR(16)"
                : "    SELECT n1.id, CAST(n1.candidate AS CHAR(254)")
        q.append(" CHARACTER SET ascii) AS address\(due("n1"))\n")
        q.append("    FROM (\n")
        q.append("      SELECT n0.id, \(due("n0", "", ", "))")
        if phone {
            q.append("CASE WHEN n0.raw LIKE '+%' THEN CONCAT('+', SUBSTRING(n0.raw, 2))")
            q.append(" WHEN n0.raw LIKE '00%' THEN CONCAT('+', SUBSTRING(n0.raw, 3))")
            if let code = AddressNormalizer.countryCode(audience.countryCode) {
                q.append(" ELSE CONCAT('+', \(code), IF(n0.raw LIKE '0%', SUBSTRING(n0.raw, 2), n0.raw))")
            }
            q.append(" END AS candidate\n")
        } else {
            q.append("CASE WHEN CHAR_LENGTH(n0.raw) <= 254 AND n0.raw REGEXP \(Self.emailPattern)")
            q.append(" THEN CONCAT(SUBSTRING_INDEX(n0.raw, '@', 1), '@', LOWER(SUBSTRING_INDEX(n0.raw, '@', -1)))")
            q.append(" END AS candidate\n")
        }
        q.append("      FROM (\n")
        q.append("        SELECT CAST(c.id AS SIGNED) AS id, ")
        if phone {
            q.append("REGEXP_REPLACE(REGEXP_REPLACE(c.phone_number, \(Self.trimPattern), ''), \(Self.phoneNoisePattern), '') AS raw\n")
        } else {
            q.append("REGEXP_REPLACE(c.email, \(Self.trimPattern), '') AS raw")
        }
        q.append(due("rb"))
        if audience.segment.type == .birthday {
            q.append(", REGEXP_REPLACE(CAST(c.birthdate AS CHAR), \(Self.trimPattern), '') AS birthdate")
        }
        q.append("\n        FROM \(identifier: tables.customers) c")
        if let having = appointmentCondition(audience, now: now) {
            q.append("\n        JOIN (SELECT a.customer_id FROM \(identifier: tables.appointments) a WHERE \(scope.bookneticCondition(on: "a"))")
            q.append(" GROUP BY a.customer_id HAVING \(having)) g ON g.customer_id = c.id")
        }
        if rebook {
            q.append("\n        JOIN (\(rebookDue(audience.segment.rebook, scope: scope, now: now))) rb ON rb.customer_id = c.id")
        }
        q.append("\n        WHERE \(scope.bookneticCondition(on: "c"))")
        if !audience.filters.categoryIDs.isEmpty {
            q.append(" AND c.category_id IN (\(list: audience.filters.categoryIDs))")
        }
        q.append("\n      ) n0")
        if audience.segment.type == .birthday {
            q.append("\n      WHERE \(birthdayCondition(audience, now: now))")
        }
        q.append("\n    ) n1\n    LIMIT 18446744073709551615\n  ) m\n  WHERE m.address IS NOT NULL")
        if audience.filters.excludeSuppressed {
            q.append("\n    AND NOT EXISTS (SELECT 1 FROM \(identifier: tables.suppressions) s WHERE s.tenant_key = \(scope.key)")
            q.append(" AND s.channel = \(audience.channel) AND s.address = m.address)")
        }
        for earlier in audience.earlierSnapshots {
            q.append("\n    AND NOT EXISTS (SELECT 1 FROM \(identifier: tables.logs) e WHERE e.campaign_id = \(earlier.campaignID)")
            q.append(" AND e.run = \(earlier.run) AND e.customer_id = m.id AND e.tenant_key = \(scope.key))")
        }
        if let exclusion = audience.repeatExclusion, exclusion.rule.excludesAnyone {
            q.append(repeatExclusion(exclusion, scope: scope, now: now))
        }
        q.append("\n) r\nJOIN \(identifier: tables.customers) cn ON cn.id = r.id AND \(scope.bookneticCondition(on: "cn"))")
        q.append("\nWHERE r.rn = 1")
        return q
    }

    /// Count and sample in one statement: every row carries the total (`COUNT(*) OVER ()`).
    /// With a `locale` choice each row also carries the variant its recipient gets (`locale`).
    public func preview(_ audience: AudienceDefinition, now: Int, sampleSize: Int, locale: LocaleChoice? = nil) -> SQLQuery {
        var q: SQLQuery = "SELECT x.id, x.address, x.first_name, x.last_name, COUNT(*) OVER () AS total"
        if audience.segment.type == .rebookDue { q.append(", x.due_at") }
        if let locale { q.append(", \(locale.column()) AS locale") }
        q.append(" FROM (\n\(recipients(audience, now: now))\n) x")
        if let locale, locale.needsJoin { q.append(locale.join(appointments: tables.appointments, scope: audience.scope)) }
        q.append(" ORDER BY x.id LIMIT \(max(1, sampleSize))")
        return q
    }

    /// Every recipient of the audience, in customer-id order: `id, address, first_name, last_name`,
    /// and with a `locale` choice the variant each one gets (`locale`, as the snapshot picks it).
    public func members(_ audience: AudienceDefinition, now: Int, locale: LocaleChoice? = nil) -> SQLQuery {
        var q: SQLQuery = "SELECT x.id, x.address, x.first_name, x.last_name"
        if let locale { q.append(", \(locale.column()) AS locale") }
        q.append(" FROM (\n\(recipients(audience, now: now))\n) x")
        if let locale, locale.needsJoin { q.append(locale.join(appointments: tables.appointments, scope: audience.scope)) }
        q.append(" ORDER BY x.id")
        return q
    }

    /// The send-time snapshot: inserts every recipient into the logs table as `pending`.
    /// With a holdout, the held-out share is inserted as `skipped` / `holdout` in the same
    /// statement (DESIGN §12), so it never reaches the queue.
    public func snapshot(
        _ audience: AudienceDefinition, now: Int, logsTable: SQLIdentifier, campaignID: Int, run: Int, createdAt: Date,
        holdout: Holdout = Holdout(percent: 0), locale: LocaleChoice? = nil
    ) -> SQLQuery {
        let scope = audience.scope
        var q: SQLQuery = "INSERT INTO \(identifier: logsTable) (tenant_id, tenant_key, campaign_id, run, channel, customer_id, address,"
        q.append(" first_name, last_name, locale, status, last_error, attempts, created_at, updated_at)\nSELECT ")
        q.append("\(scope.tenantID), \(scope.key), \(campaignID), \(run), \(audience.channel)")
        q.append(", x.id, x.address, LEFT(x.first_name, 255), LEFT(x.last_name, 255), ")
        q.append(locale?.column() ?? "\(SQLValue.null)")
        q.append(", ")
        if holdout.percent > 0 {
            let heldOut: SQLQuery = "CRC32(CONCAT(\(holdout.key(campaignID: campaignID)), ':', x.id)) % 100 < \(holdout.percent)"
            q.append("CASE WHEN \(heldOut) THEN \(LogStatus.skipped) ELSE \(LogStatus.pending) END, ")
            q.append("CASE WHEN \(heldOut) THEN \(SkipReason.holdout) END, ")
        } else {
            q.append("\(LogStatus.pending), \(SQLValue.null), ")
        }
        q.append("\(0), \(createdAt), \(createdAt)")
        q.append("\nFROM (\n\(recipients(audience, now: now))\n) x")
        if let locale, locale.needsJoin { q.append(locale.join(appointments: tables.appointments, scope: scope)) }
        q.append(" ORDER BY x.id")
        return q
    }

    // MARK: - Pieces

    /// `HAVING` over the customer's appointments, or nil when the audience needs none.
    func appointmentCondition(_ audience: AudienceDefinition, now: Int) -> SQLQuery? {
        var parts: [SQLQuery] = []
        let active: SQLQuery = "COALESCE(a.status, '') NOT IN (\(list: AppointmentStatus.inactive))"
        let days = audience.segment.effectiveDays ?? 0
        let since = now - days * 86_400
        switch audience.segment.type {
        case .allCustomers, .birthday, .rebookDue:
            break
        case .allAppointments:
            parts.append("COUNT(*) >= 1")
        case .recentBookers:
            parts.append("SUM(a.created_at >= \(since)) > 0")
        case .upcoming:
            parts.append(
                "SUM(a.status IN (\(list: AppointmentStatus.upcoming)) AND a.starts_at >= \(now) AND a.starts_at < \(now + days * 86_400)) > 0"
            )
        case .firstTime:
            parts.append("SUM(\(active)) = 1")
        case .repeat:
            parts.append("SUM(\(active)) >= 3")
        case .lapsed:
            parts.append("SUM(\(active)) >= 1 AND SUM(\(active) AND a.starts_at >= \(since)) = 0")
        case .cancelledRecent:
            parts.append("SUM(a.status IN (\(list: AppointmentStatus.inactive)) AND a.starts_at >= \(since)) > 0")
        }
        let filters = audience.filters
        if filters.hasAppointmentFilter {
            var count: SQLQuery = "SUM(1"
            if !filters.serviceIDs.isEmpty {
                count.append(" AND a.service_id IN (\(list: filters.serviceIDs))")
            }
            if !filters.locationIDs.isEmpty {
                count.append(" AND a.location_id IN (\(list: filters.locationIDs))")
            }
            if !filters.statuses.isEmpty {
                count.append(" AND a.status IN (\(list: filters.statuses))")
            }
            count.append(") >= \(max(1, filters.minAppointments ?? 1))")
            parts.append(count)
        }
        return parts.isEmpty ? nil : SQLQuery.joined(parts, separator: " AND ")
    }

    /// Leaves out customers, and addresses, this campaign already sent or delivered a message
    /// to (in the rule's window). Both probes are index lookups (`idx_campaign_customer`,
    /// `idx_campaign_address`).
    private func repeatExclusion(_ exclusion: RepeatExclusion, scope: TenantScope, now: Int) -> SQLQuery {
        let reached = LogStatus.reached.sorted { $0.rawValue < $1.rawValue }
        var q: SQLQuery = ""
        let probes: [(column: SQLIdentifier, value: SQLIdentifier)] = [("p.customer_id", "m.id"), ("p.address", "m.address")]
        for probe in probes {
            q.append("\n    AND NOT EXISTS (SELECT 1 FROM \(identifier: tables.logs) p WHERE p.campaign_id = \(exclusion.campaignID)")
            q.append(" AND \(identifier: probe.column) = \(identifier: probe.value) AND p.tenant_key = \(scope.key)")
            q.append(" AND p.status IN (\(list: reached))")
            if let start = exclusion.rule.exclusionStart(now: now) {
                q.append(" AND p.sent_at >= \(Date(timeIntervalSince1970: TimeInterval(start)))")
            }
            q.append(")")
        }
        return q
    }
}
