import Campaigns
import Foundation
import MariaDB

/// The columns of migration 0010 on campaigns and templates (DESIGN §15): translations as JSON
/// objects keyed by locale (NULL when there are none) and the email's button.
enum LocalizedColumns {
    /// The column names, in the order of ``values(_:)``.
    static let names: MariaDBQuery = "subject_i18n, body_i18n, action_label_i18n, action_label, action_url"

    /// The values to insert, in the order of ``names``.
    static func values(_ content: LocalizedContent) -> MariaDBQuery {
        """
        \(json(content.subjects)), \(json(content.bodies)), \(json(content.actionLabels)), \(content.action?.label), \
        \(content.action?.url)
        """
    }

    /// `column = value, …` for an UPDATE.
    static func assignments(_ content: LocalizedContent) -> MariaDBQuery {
        """
        subject_i18n = \(json(content.subjects)), body_i18n = \(json(content.bodies)), \
        action_label_i18n = \(json(content.actionLabels)), action_label = \(content.action?.label), action_url = \(content.action?.url)
        """
    }

    /// The content as a row stores it (a row from before the migration has none).
    static func decode(_ row: MariaDBRow) throws -> LocalizedContent {
        var content = LocalizedContent()
        content.subjects = try map(row, "subject_i18n")
        content.bodies = try map(row, "body_i18n")
        content.actionLabels = try map(row, "action_label_i18n")
        if let label: String = try row.decode("action_label", as: String?.self),
            let url: String = try row.decode("action_url", as: String?.self)
        {
            content.action = CallToAction(label: label, url: url)
        }
        return content
    }

    private static func map(_ row: MariaDBRow, _ column: String) throws -> [String: String] {
        guard let text = try row.decode(column, as: String?.self) else { return [:] }
        return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

    private static func json(_ map: [String: String]) -> String? {
        map.isEmpty ? nil : MariaDBCampaignRepository.json(map)
    }
}
