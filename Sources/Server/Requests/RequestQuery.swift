import Campaigns
import Foundation
import Hummingbird

extension Request {
    /// Reads the JSON body (≤ 1 MiB) as a `JSONValue`; a wrong content type is 415, bad JSON 400.
    mutating func jsonBody() async throws -> JSONValue {
        if let type = headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw APIError(.unsupportedMediaType, code: .unsupportedMediaType, message: "send application/json")
        }
        let buffer = try await collectBody(upTo: 1 << 20)
        guard buffer.readableBytes > 0 else { throw APIError.validation("body", "is required (a JSON object)") }
        let bytes = Data(buffer.readableBytesView)
        guard String(data: bytes, encoding: .utf8) != nil else {
            throw APIError(.badRequest, code: .invalidJSON, message: "the body is not valid UTF-8")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: bytes)
        } catch {
            throw APIError(.badRequest, code: .invalidJSON, message: "the body is not valid JSON")
        }
    }

    /// The JSON body, or an empty object when the request has none.
    mutating func optionalJSONBody() async throws -> JSONValue {
        let buffer = try await collectBody(upTo: 1 << 20)
        guard buffer.readableBytes > 0 else { return .object([:]) }
        return try await jsonBody()  // collectBody kept the bytes as the body
    }

    /// A positive integer query parameter, or a 400 naming it.
    func queryInt(_ name: String, default fallback: Int) throws -> Int {
        guard let raw = uri.queryParameters[name[...]] else { return fallback }
        guard let value = Int(String(raw)) else { throw APIError.validation(name, "must be a whole number") }
        return value
    }

    func queryString(_ name: String) -> String? {
        uri.queryParameters[name[...]].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    func pageRequest() throws -> PageRequest {
        let page = try queryInt("page", default: 1)
        let perPage = try queryInt("per_page", default: 20)
        guard (1...1_000_000).contains(page) else { throw APIError.validation("page", "must be between 1 and 1000000") }
        guard (1...100).contains(perPage) else { throw APIError.validation("per_page", "must be between 1 and 100") }
        return PageRequest(page: page, perPage: perPage)
    }

    /// `?run=N`: an earlier run of a recurring campaign (nil = the current run).
    func runNumber() throws -> Int? {
        guard let raw = queryString("run") else { return nil }
        guard let run = Int(raw), (1...1_000_000).contains(run) else { throw APIError.validation("run", "must be a run number from 1") }
        return run
    }

    func queryChannel() throws -> Channel? {
        guard let raw = queryString("channel") else { return nil }
        guard let channel = Channel(rawValue: raw) else { throw APIError.validation("channel", "must be sms, whatsapp or email") }
        return channel
    }
}

extension AppRequestContext {
    /// The id path parameter as a positive integer (anything else is a 404: no such object).
    func id(_ name: String = "id") throws -> Int {
        guard let raw = parameters.get(name), let id = Int(raw), id > 0 else { throw APIError.notFound("object") }
        return id
    }
}
