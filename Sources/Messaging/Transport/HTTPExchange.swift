import CCurlShim
import Foundation

/// An HTTP request to a provider's API (form-encoded POST or GET, Basic auth).
public struct ProviderRequest: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable {
        case get = "GET"
        case post = "POST"
    }

    public var method: Method
    public var url: String
    public var username: String
    public var password: String
    /// Form fields of a POST, in order.
    public var form: [FormField]

    public init(method: Method, url: String, username: String, password: String, form: [FormField] = []) {
        self.method = method
        self.url = url
        self.username = username
        self.password = password
        self.form = form
    }
}

/// A provider's HTTP answer.
public struct ProviderResponse: Sendable, Hashable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

extension CurlTransport {
    /// Sends `request` and returns the answer, whatever its status; a transfer without an
    /// answer is a `TransportFailure` saying whether the request could have been received.
    public func http(_ request: ProviderRequest) async -> Result<ProviderResponse, TransportFailure> {
        let lower = request.url.lowercased()
        let plain = lower.hasPrefix("http://")
        // Plain http only to this machine (a local fake), and only when the policy allows it.
        guard lower.hasPrefix("https://") || (plain && policy.allowPlainHTTP && Self.isLoopback(request.url)) else {
            return .failure(.refused("only https URLs may be called"))
        }
        let policy = self.policy
        let key = Self.origin(of: request.url)
        let result = await perform(key: key) { handle in
            handle.applyPolicy(policy, protocols: plain ? "http" : "https")
            handle.set(CURLOPT_URL, request.url)
            handle.set(CURLOPT_HTTPAUTH, 1)  // CURLAUTH_BASIC (a macro Swift cannot import)
            handle.set(CURLOPT_USERNAME, request.username)
            handle.set(CURLOPT_PASSWORD, request.password)
            handle.set(CURLOPT_HTTPHEADER, list: ["Accept: application/json", "Expect:"])
            handle.set(CURLOPT_USERAGENT, "booknetic-campaigns")
            switch request.method {
            case .get:
                handle.set(CURLOPT_HTTPGET, 1)
            case .post:
                handle.set(CURLOPT_POST, 1)
                handle.set(CURLOPT_COPYPOSTFIELDS, FormField.encode(request.form))
            }
        }
        return Self.classify(result)
    }

    static func classify(_ result: CurlResult) -> Result<ProviderResponse, TransportFailure> {
        if result.succeeded, result.responseCode > 0 {
            var headers: [String: String] = [:]
            for line in result.headerLines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = trimmingWhiteSpace(line[..<colon]).lowercased()
                headers[name] = String(trimmingWhiteSpace(line[line.index(after: colon)...]))
            }
            return .success(ProviderResponse(status: result.responseCode, headers: headers, body: result.body))
        }
        switch result.code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_FAILED_INIT:
            return .failure(.refused(result.errorText))
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SSL_CONNECT_ERROR,
            CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_ABORTED_BY_CALLBACK:
            return .failure(.notConnected(result.errorText))
        default:
            // Timeouts, resets, an answer cut off or too large: the request may have arrived.
            if result.overflowed { return .failure(.interrupted("the answer exceeded the size limit")) }
            return .failure(result.requestStarted ? .interrupted(result.errorText) : .notConnected(result.errorText))
        }
    }

    /// Whether a URL's host is this machine (127.0.0.1, localhost or ::1); false when the URL
    /// cannot be parsed, so a URL that parsers might read differently is never called in plain.
    static func isLoopback(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    }

    /// scheme://host:port of a URL: the key its connections are kept under.
    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        return "\(components.scheme ?? "")://\(components.host ?? ""):\(components.port ?? 0)"
    }
}

/// One name/value pair of an `application/x-www-form-urlencoded` body.
public struct FormField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// The encoded body: every byte but RFC 3986's unreserved ones percent-encoded.
    public static func encode(_ fields: [FormField]) -> String {
        fields.map { percentEncode($0.name) + "=" + percentEncode($0.value) }.joined(separator: "&")
    }

    /// Percent-encodes all but `A–Z a–z 0–9 - . _ ~`.
    public static func percentEncode(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Parses a form body (`+` is a space); nil when it is not valid form encoding or not UTF-8.
    public static func decode(_ body: String) -> [FormField]? {
        if body.isEmpty { return [] }
        var fields: [FormField] = []
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = unescape(String(parts[0])), let value = unescape(parts.count > 1 ? String(parts[1]) : "") else { return nil }
            fields.append(FormField(name, value))
        }
        return fields
    }

    private static func unescape(_ text: String) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
