import Foundation

/// `POST /api/v1/test-send`: the provider accepted the message.
struct TestSendBody: Encodable {
    let status: String
    let providerMessageId: String
}

/// `POST /api/v1/manual-send`: the queued campaign and what was left out.
struct ManualSendBody: Encodable {
    let id: Int
    let status: String
    let queued: Int
    let suppressed: Int
    let duplicates: Int
    let invalid: [String]
}
