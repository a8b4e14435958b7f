import Campaigns
import Foundation

/// A suppressed address.
struct SuppressionBody: Encodable {
    let id: Int
    let channel: String
    let address: String
    let reason: String?
    let source: String
    let createdAt: Date

    init(_ s: Suppression) {
        id = s.id
        channel = s.channel.rawValue
        address = s.address
        reason = s.reason
        source = s.source.rawValue
        createdAt = s.createdAt
    }
}

/// `POST /api/v1/suppressions` with `csv`: what the import stored and refused.
struct SuppressionImportBody: Encodable {
    let accepted: Int
    let duplicates: Int
    let invalid: [String]
}
