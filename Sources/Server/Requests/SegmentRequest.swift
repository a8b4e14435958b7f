import Campaigns

/// Reads `segment` and `filters` of a request body, naming the offending field on error.
extension Segment {
    /// Builds a validated segment from decoded JSON, naming the offending field on error.
    static func validated(from json: JSONValue?, field: String = "segment") throws(DomainError) -> Segment {
        guard case .object(let object)? = json else {
            throw .validation(field: field, message: "Choose who receives the campaign.")
        }
        guard case .string(let rawType)? = object["type"] else {
            throw .validation(field: "\(field).type", message: "Choose who receives the campaign.")
        }
        guard let type = SegmentType(rawValue: rawType) else {
            throw .validation(
                field: "\(field).type",
                message: "Choose who receives the campaign from the list (\(SegmentType.allCases.map(\.label).joined(separator: ", "))).")
        }
        var days: Int?
        if let raw = object["days"], raw != .null {
            guard let value = raw.integerValue else {
                throw .validation(field: "\(field).days", message: "must be a whole number of days")
            }
            let allowed = type.allowedDays
            guard allowed.contains(value) else {
                throw .validation(
                    field: "\(field).days", message: "must be between \(allowed.lowerBound) and \(allowed.upperBound)")
            }
            days = type.defaultDays == nil ? nil : value
        }
        // The parameters of `rebook_due` are checked whatever the type (as the schema says), and
        // kept for that type only.
        let rule = try rebookRule(object, field: field)
        guard type == .rebookDue else { return Segment(type: type, days: days) }
        return Segment(type: .rebookDue, factor: rule.factor, windowDays: rule.windowDays, minVisits: rule.minVisits)
    }

    /// `rebook_due`'s three parameters (DESIGN §19), defaults filled in for those left out.
    private static func rebookRule(_ object: [String: JSONValue], field: String) throws(DomainError) -> RebookRule {
        var rule = RebookRule()
        if let raw = object["factor"], raw != .null {
            let range = RebookRule.factorRange
            guard case .number(let value) = raw, range.contains(value) else {
                throw .validation(field: "\(field).factor", message: "must be a number from \(range.lowerBound) to \(range.upperBound)")
            }
            rule.factor = value
        }
        rule.windowDays = try wholeNumber(object["window_days"], field: "\(field).window_days", in: RebookRule.windowDaysRange) ?? rule.windowDays
        rule.minVisits = try wholeNumber(object["min_visits"], field: "\(field).min_visits", in: RebookRule.minVisitsRange) ?? rule.minVisits
        return rule
    }

    private static func wholeNumber(_ raw: JSONValue?, field: String, in range: ClosedRange<Int>) throws(DomainError) -> Int? {
        guard let raw, raw != .null else { return nil }
        guard let value = raw.integerValue, range.contains(value) else {
            throw .validation(field: field, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}

extension SegmentFilters {
    /// Builds validated filters from decoded JSON (absent or null → no filters).
    static func validated(from json: JSONValue?, field: String = "filters") throws(DomainError) -> SegmentFilters {
        guard let json, json != .null else { return SegmentFilters() }
        guard case .object(let object) = json else { throw .validation(field: field, message: "must be an object") }
        let known: Set<String> = ["service_ids", "location_ids", "statuses", "min_appointments", "exclude_suppressed", "category_ids"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .validation(field: "\(field).\(unknown)", message: "is not a known filter")
        }
        var filters = SegmentFilters()
        filters.serviceIDs = try ids(object["service_ids"], field: "\(field).service_ids")
        filters.locationIDs = try ids(object["location_ids"], field: "\(field).location_ids")
        filters.categoryIDs = try ids(object["category_ids"], field: "\(field).category_ids")
        if let raw = object["statuses"], raw != .null {
            guard case .array(let items) = raw else {
                throw .validation(field: "\(field).statuses", message: "must be an array of status slugs")
            }
            for (index, item) in items.enumerated() {
                guard case .string(let slug) = item, !slug.trimmingCharacters(in: .whitespaces).isEmpty, slug.unicodeScalars.count <= 50
                else { throw .validation(field: "\(field).statuses[\(index)]", message: "Choose appointment statuses from the list, e.g. approved.") }
                filters.statuses.append(slug.trimmingCharacters(in: .whitespaces))
            }
            if items.count > 50 { throw .validation(field: "\(field).statuses", message: "at most 50 statuses") }
        }
        if let raw = object["min_appointments"], raw != .null {
            guard let value = raw.integerValue, (0...10_000).contains(value) else {
                throw .validation(field: "\(field).min_appointments", message: "must be a whole number from 0 to 10000")
            }
            filters.minAppointments = value
        }
        if let raw = object["exclude_suppressed"], raw != .null {
            guard case .bool(let flag) = raw else {
                throw .validation(field: "\(field).exclude_suppressed", message: "must be true or false")
            }
            filters.excludeSuppressed = flag
        }
        return filters
    }

    private static func ids(_ json: JSONValue?, field: String) throws(DomainError) -> [Int] {
        guard let json, json != .null else { return [] }
        guard case .array(let items) = json else { throw .validation(field: field, message: "must be an array of ids") }
        if items.count > 1000 { throw .validation(field: field, message: "at most 1000 ids") }
        var ids: [Int] = []
        for (index, item) in items.enumerated() {
            guard let id = item.integerValue, id > 0 else {
                throw .validation(field: "\(field)[\(index)]", message: "must be a positive whole number")
            }
            ids.append(id)
        }
        return ids
    }
}
