import Campaigns
import Foundation

/// A saved audience (DESIGN §16) with the ids of the campaigns that reference it.
struct AudienceBody: Encodable {
    let id: Int
    let name: String
    let channel: String
    let segment: Segment
    let filters: SegmentFilters
    let usedBy: [Int]
    let createdBy: Int?
    let createdAt: Date
    let updatedAt: Date

    init(_ audience: SavedAudience) {
        id = audience.id
        name = audience.name
        channel = audience.channel.rawValue
        segment = audience.segment
        filters = audience.filters
        usedBy = audience.usedBy
        createdBy = audience.createdBy
        createdAt = audience.createdAt
        updatedAt = audience.updatedAt
    }
}
