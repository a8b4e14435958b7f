import Campaigns

extension Array where Element: Sendable {
    /// The page `request` asks for of these items (all of them counted in `total`).
    func page(_ request: PageRequest) -> Page<Element> {
        let start = Swift.min(request.offset, count)
        let end = Swift.min(start + request.perPage, count)
        return Page(items: Array(self[start..<end]), total: count, page: request.page, perPage: request.perPage)
    }
}
