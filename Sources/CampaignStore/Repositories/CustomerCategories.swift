import Campaigns
import Foundation
import MariaDB

/// The `category_ids` filter (DESIGN §16) reads customers' `category_id`, a Booknetic v5
/// column: an install without it answers 400 `unsupported_filter` instead of a query error.
enum CustomerCategories {
    /// Throws `unsupportedFilter` when `filters` use categories and the customers table has no
    /// `category_id` column; asks the database only when they do.
    static func check(_ filters: SegmentFilters, prefix: TablePrefix, on db: some MariaDBQueryable) async throws {
        guard !filters.categoryIDs.isEmpty else { return }
        if try await !db.columnExists(table: prefix.bareName("customers"), column: "category_id") {
            throw DomainError.unsupportedFilter(
                field: "filters.category_ids",
                message: "Customer categories need Booknetic 5 or later; this site's customers have none. Remove the category filter.")
        }
    }
}
