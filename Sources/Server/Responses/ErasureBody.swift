import Foundation

/// `POST /api/v1/customers/{id}/erase`: how many log rows went.
struct ErasureBody: Encodable {
    let logRows: Int
}
