import Campaigns
import Foundation

/// A page of items in list answers.
struct PageBody<Item: Encodable>: Encodable {
    let items: [Item]
    let total: Int
    let page: Int
    let perPage: Int

    init<T>(_ page: Page<T>, _ transform: (T) -> Item) {
        self.items = page.items.map(transform)
        self.total = page.total
        self.page = page.page
        self.perPage = page.perPage
    }
}
