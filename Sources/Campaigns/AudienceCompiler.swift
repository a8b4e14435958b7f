import Foundation

/// The quoted table names the audience query reads (built from a validated prefix).
public struct AudienceTables: Sendable, Hashable {
    public var customers: String
    public var appointments: String
    public var suppressions: String
    /// The sidecar's log rows, read by a campaign's repeat rule.
    public var logs: String

    public init(customers: String, appointments: String, suppressions: String, logs: String) {
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

    /// Booknetic statuses that make an appointment inactive.
    static let inactiveStatuses = AppointmentStatus.inactive.map { SQLValue.string($0.rawValue) }
    /// Statuses that count for `upcoming`.
    static let upcomingStatuses = AppointmentStatus.upcoming.map { SQLValue.string($0.rawValue) }

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
        var q = SQLBuilder()
        let phone = audience.channel.usesPhone
        q.append("SELECT r.id, r.address, cn.first_name, cn.last_name FROM (\n")
        q.append("  SELECT m.id, m.address, ROW_NUMBER() OVER (PARTITION BY \(phone ? "m.address" : "LOWER(m.address)") ORDER BY m.id) AS rn\n")
        q.append("  FROM (\n")
        // The CAST sees validated values only: in a strict-mode INSERT ... SELECT a non-ASCII
        // string would otherwise fail the statement even though the row is filtered out.
        q.append("    SELECT n1.id, CAST(")
        if phone {
            q.append("CASE WHEN n1.candidate REGEXP ")
            q.bind(.string(Self.phonePattern))
            q.append(" THEN n1.candidate END")
        } else {
            q.append("n1.candidate")
        }
        q.append(" AS CHAR(\(phone ? 16 : 254)) CHARACTER SET ascii) AS address\n")
        q.append("    FROM (\n")
        q.append("      SELECT n0.id, ")
        if phone {
            q.append("CASE WHEN n0.raw LIKE '+%' THEN CONCAT('+', SUBSTRING(n0.raw, 2))")
            q.append(" WHEN n0.raw LIKE '00%' THEN CONCAT('+', SUBSTRING(n0.raw, 3))")
            if let code = AddressNormalizer.countryCode(audience.countryCode) {
                q.append(" ELSE CONCAT('+', ")
                q.bind(.string(code))
                q.append(", IF(n0.raw LIKE '0%', SUBSTRING(n0.raw, 2), n0.raw))")
            }
            q.append(" END AS candidate\n")
        } else {
            q.append("CASE WHEN CHAR_LENGTH(n0.raw) <= 254 AND n0.raw REGEXP ")
            q.bind(.string(Self.emailPattern))
            q.append(" THEN CONCAT(SUBSTRING_INDEX(n0.raw, '@', 1), '@', LOWER(SUBSTRING_INDEX(n0.raw, '@', -1)))")
            q.append(" END AS candidate\n")
        }
        q.append("      FROM (\n")
        q.append("        SELECT CAST(c.id AS SIGNED) AS id, ")
        if phone {
            q.append("REGEXP_REPLACE(REGEXP_REPLACE(c.phone_number, ")
            q.bind(.string(Self.trimPattern))
            q.append(", ''), ")
            q.bind(.string(Self.phoneNoisePattern))
            q.append(", '') AS raw\n")
        } else {
            q.append("REGEXP_REPLACE(c.email, ")
            q.bind(.string(Self.trimPattern))
            q.append(", '') AS raw")
        }
        if audience.segment.type == .birthday {
            q.append(", REGEXP_REPLACE(CAST(c.birthdate AS CHAR), ")
            q.bind(.string(Self.trimPattern))
            q.append(", '') AS birthdate")
        }
        q.append("\n        FROM \(tables.customers) c")
        if let having = appointmentCondition(audience, now: now) {
            q.append("\n        JOIN (SELECT a.customer_id FROM \(tables.appointments) a WHERE ")
            q.appendTenantCondition("a", audience.scope)
            q.append(" GROUP BY a.customer_id HAVING ")
            q.append(having)
            q.append(") g ON g.customer_id = c.id")
        }
        q.append("\n        WHERE ")
        q.appendTenantCondition("c", audience.scope)
        q.append("\n      ) n0")
        if audience.segment.type == .birthday {
            q.append("\n      WHERE ")
            appendBirthdayCondition(audience, now: now, to: &q)
        }
        q.append("\n    ) n1\n    LIMIT 18446744073709551615\n  ) m\n  WHERE m.address IS NOT NULL")
        if audience.filters.excludeSuppressed {
            q.append("\n    AND NOT EXISTS (SELECT 1 FROM \(tables.suppressions) s WHERE s.tenant_key = ")
            q.bind(.int(audience.scope.key))
            q.append(" AND s.channel = ")
            q.bind(.string(audience.channel.rawValue))
            q.append(" AND s.address = m.address)")
        }
        if let exclusion = audience.repeatExclusion, exclusion.rule.excludesAnyone {
            appendRepeatExclusion(exclusion, scope: audience.scope, now: now, to: &q)
        }
        q.append("\n) r\nJOIN \(tables.customers) cn ON cn.id = r.id AND ")
        q.appendTenantCondition("cn", audience.scope)
        q.append("\nWHERE r.rn = 1")
        return q.query
    }

    /// Count and sample in one statement: every row carries the total (`COUNT(*) OVER ()`).
    public func preview(_ audience: AudienceDefinition, now: Int, sampleSize: Int) -> SQLQuery {
        var q = SQLBuilder()
        q.append("SELECT p.id, p.address, p.first_name, p.last_name, COUNT(*) OVER () AS total FROM (\n")
        q.append(recipients(audience, now: now))
        q.append("\n) p ORDER BY p.id LIMIT ")
        q.bind(.int(max(1, sampleSize)))
        return q.query
    }

    /// Every recipient of the audience, in customer-id order: `id, address, first_name, last_name`.
    public func members(_ audience: AudienceDefinition, now: Int) -> SQLQuery {
        var q = SQLBuilder()
        q.append("SELECT p.id, p.address, p.first_name, p.last_name FROM (\n")
        q.append(recipients(audience, now: now))
        q.append("\n) p ORDER BY p.id")
        return q.query
    }

    /// The send-time snapshot: inserts every recipient into the logs table as `pending`.
    /// With a holdout, the held-out share is inserted as `skipped` / `holdout` in the same
    /// statement (DESIGN §12), so it never reaches the queue.
    public func snapshot(
        _ audience: AudienceDefinition, now: Int, logsTable: String, campaignID: Int, run: Int, createdAt: Date,
        holdout: Holdout = Holdout(percent: 0)
    ) -> SQLQuery {
        var q = SQLBuilder()
        q.append("INSERT INTO \(logsTable) (tenant_id, tenant_key, campaign_id, run, channel, customer_id, address,")
        q.append(" first_name, last_name, status, last_error, attempts, created_at, updated_at)\nSELECT ")
        q.bindList([
            audience.scope.tenantID.map(SQLValue.int) ?? .null, .int(audience.scope.key), .int(campaignID), .int(run),
            .string(audience.channel.rawValue),
        ])
        q.append(", x.id, x.address, LEFT(x.first_name, 255), LEFT(x.last_name, 255), ")
        if holdout.percent > 0 {
            func heldOut() {
                q.append("CRC32(CONCAT(")
                q.bind(.int(campaignID))
                q.append(", ':', x.id)) % 100 < ")
                q.bind(.int(holdout.percent))
            }
            q.append("CASE WHEN ")
            heldOut()
            q.append(" THEN ")
            q.bind(.string(LogStatus.skipped.rawValue))
            q.append(" ELSE ")
            q.bind(.string(LogStatus.pending.rawValue))
            q.append(" END, CASE WHEN ")
            heldOut()
            q.append(" THEN ")
            q.bind(.string(SkipReason.holdout.rawValue))
            q.append(" END, ")
        } else {
            q.bindList([.string(LogStatus.pending.rawValue), .null])
            q.append(", ")
        }
        q.bindList([.int(0), .date(createdAt), .date(createdAt)])
        q.append("\nFROM (\n")
        q.append(recipients(audience, now: now))
        q.append("\n) x ORDER BY x.id")
        return q.query
    }

    // MARK: - Pieces

    /// `HAVING` over the customer's appointments, or nil when the audience needs none.
    func appointmentCondition(_ audience: AudienceDefinition, now: Int) -> SQLQuery? {
        var q = SQLBuilder()
        var parts = 0
        func and() {
            if parts > 0 { q.append(" AND ") }
            parts += 1
        }
        func active() {
            q.append("COALESCE(a.status, '') NOT IN (")
            q.bindList(Self.inactiveStatuses)
            q.append(")")
        }
        let days = audience.segment.effectiveDays ?? 0
        let since = now - days * 86_400
        switch audience.segment.type {
        case .allCustomers, .birthday:
            break
        case .allAppointments:
            and()
            q.append("COUNT(*) >= 1")
        case .recentBookers:
            and()
            q.append("SUM(a.created_at >= ")
            q.bind(.int(since))
            q.append(") > 0")
        case .upcoming:
            and()
            q.append("SUM(a.status IN (")
            q.bindList(Self.upcomingStatuses)
            q.append(") AND a.starts_at >= ")
            q.bind(.int(now))
            q.append(" AND a.starts_at < ")
            q.bind(.int(now + days * 86_400))
            q.append(") > 0")
        case .firstTime:
            and()
            q.append("SUM(")
            active()
            q.append(") = 1")
        case .repeat:
            and()
            q.append("SUM(")
            active()
            q.append(") >= 3")
        case .lapsed:
            and()
            q.append("SUM(")
            active()
            q.append(") >= 1 AND SUM(")
            active()
            q.append(" AND a.starts_at >= ")
            q.bind(.int(since))
            q.append(") = 0")
        case .cancelledRecent:
            and()
            q.append("SUM(a.status IN (")
            q.bindList(Self.inactiveStatuses)
            q.append(") AND a.starts_at >= ")
            q.bind(.int(since))
            q.append(") > 0")
        }
        let filters = audience.filters
        if filters.hasAppointmentFilter {
            and()
            q.append("SUM(1")
            if !filters.serviceIDs.isEmpty {
                q.append(" AND a.service_id IN (")
                q.bindList(filters.serviceIDs.map(SQLValue.int))
                q.append(")")
            }
            if !filters.locationIDs.isEmpty {
                q.append(" AND a.location_id IN (")
                q.bindList(filters.locationIDs.map(SQLValue.int))
                q.append(")")
            }
            if !filters.statuses.isEmpty {
                q.append(" AND a.status IN (")
                q.bindList(filters.statuses.map(SQLValue.string))
                q.append(")")
            }
            q.append(") >= ")
            q.bind(.int(max(1, filters.minAppointments ?? 1)))
        }
        return parts == 0 ? nil : q.query
    }

    /// A well-formed `Y-m-d…` birthdate (checked first: REGEXP_REPLACE leaves other text as it is).
    static let birthdateShape = "(?s)^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([^0-9].*)?$"
    /// Extracts `month-day` without leading zeros from a well-formed birthdate.
    static let birthdateMonthDay = "(?s)^[0-9]{4}-0?([0-9]{1,2})-0?([0-9]{1,2}).*$"

    /// The customer's birthday falls on one of the window's days (`n0.birthdate`, trimmed).
    /// Dates that do not exist never match: the window lists real days only, and 29 February
    /// also needs a leap year of birth.
    private func appendBirthdayCondition(_ audience: AudienceDefinition, now: Int, to q: inout SQLBuilder) {
        let window = BirthdayWindow(
            now: Date(timeIntervalSince1970: TimeInterval(now)), days: audience.segment.effectiveDays ?? 0,
            timeZone: audience.timeZone)
        func monthDay() {
            q.append("REGEXP_REPLACE(n0.birthdate, ")
            q.bind(.string(Self.birthdateMonthDay))
            q.append(", ")
            q.bind(.string("\\1-\\2"))
            q.append(")")
        }
        q.append("n0.birthdate REGEXP ")
        q.bind(.string(Self.birthdateShape))
        q.append(" AND ")
        monthDay()
        q.append(" IN (")
        q.bindList(window.monthDays.map(SQLValue.string))
        q.append(")")
        if window.monthDays.contains("2-29") {
            q.append(" AND (")
            monthDay()
            q.append(" <> '2-29' OR (CAST(LEFT(n0.birthdate, 4) AS UNSIGNED) % 4 = 0")
            q.append(" AND (CAST(LEFT(n0.birthdate, 4) AS UNSIGNED) % 100 <> 0 OR CAST(LEFT(n0.birthdate, 4) AS UNSIGNED) % 400 = 0)))")
        }
    }

    /// Leaves out customers, and addresses, this campaign already sent or delivered a message
    /// to (in the rule's window). Both probes are index lookups (`idx_campaign_customer`,
    /// `idx_campaign_address`).
    private func appendRepeatExclusion(_ exclusion: RepeatExclusion, scope: TenantScope, now: Int, to q: inout SQLBuilder) {
        for (column, value) in [("customer_id", "m.id"), ("address", "m.address")] {
            q.append("\n    AND NOT EXISTS (SELECT 1 FROM \(tables.logs) p WHERE p.campaign_id = ")
            q.bind(.int(exclusion.campaignID))
            q.append(" AND p.\(column) = \(value) AND p.tenant_key = ")
            q.bind(.int(scope.key))
            q.append(" AND p.status IN (")
            q.bindList(LogStatus.reached.sorted { $0.rawValue < $1.rawValue }.map { .string($0.rawValue) })
            q.append(")")
            if let start = exclusion.rule.exclusionStart(now: now) {
                q.append(" AND p.sent_at >= ")
                q.bind(.date(Date(timeIntervalSince1970: TimeInterval(start))))
            }
            q.append(")")
        }
    }
}
