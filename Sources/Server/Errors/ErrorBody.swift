import Foundation

extension APIError {
    /// The JSON of an error answer: `{"error":{"code","message","field?"}}`.
    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?
        }
        let error: Detail
    }
}
