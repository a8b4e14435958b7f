import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import Messaging

/// The public routes of tracked links and the open image (DESIGN §18): no authentication, no
/// cookies. `GET /r/{code}` redirects to the link's original URL and counts the click (`HEAD`
/// answers the same and records nothing); `GET /t/o/{token}` answers a 1×1 GIF and records the
/// first open. An invalid open token still gets the image (a mail client shows no broken
/// picture) and records nothing.
struct EngagementController {
    let deps: AppDependencies
    /// The open tokens' key, derived once from `BKNTC_SECRET`.
    let keys: ServiceKeys

    init(deps: AppDependencies) {
        self.deps = deps
        keys = ServiceKeys(secret: deps.secret)
    }

    func addRoutes(to routes: inout RouteRegistrar) {
        routes.on(.get, "r/:code", .open, use: redirect)
        routes.on(.head, "r/:code", .open, use: peek)
        routes.on(.get, "t/o/:token", .open, use: open)
    }

    @Sendable func redirect(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await follow(context, record: true)
    }

    @Sendable func peek(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await follow(context, record: false)
    }

    /// 302 to the stored URL when the code is known and the URL is http(s) (checked again here,
    /// whatever the table holds); else 404.
    private func follow(_ context: AppRequestContext, record: Bool) async throws -> Response {
        guard let code = context.parameters.get("code"), ShortCode.isWellFormed(code),
            let url = try await deps.engagement.click(code: code, record: record, now: deps.clock.now()),
            TrackedLink.isRedirectable(url)
        else { return Self.notFound() }
        var headers = Self.privateHeaders()
        headers[.location] = Self.asciiLocation(url)
        return Response(status: .found, headers: headers)
    }

    /// The URL with its non-ASCII bytes percent-encoded (RFC 3986), so the header is plain ASCII;
    /// an ASCII URL is sent exactly as stored.
    static func asciiLocation(_ url: String) -> String {
        guard url.utf8.contains(where: { $0 >= 0x80 }) else { return url }
        var bytes: [UInt8] = []
        for byte in url.utf8 {
            if byte < 0x80 {
                bytes.append(byte)
            } else {
                bytes += Array(String(format: "%%%02X", byte).utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let raw = context.parameters.get("token"), let token = OpenToken.decode(raw, keys: keys) {
            try await deps.engagement.open(scope: token.scope, logID: token.logID, now: deps.clock.now())
        }
        var headers = Self.privateHeaders()
        headers[.contentType] = "image/gif"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Self.pixel)))
    }

    /// A transparent 1×1 GIF (43 bytes).
    static let pixel: [UInt8] = [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x21, 0xF9, 0x04,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ]

    /// Not cached (each click counts), no referrer passed on (it would carry the code).
    private static func privateHeaders() -> HTTPFields {
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return headers
    }

    /// The small page of an unknown link.
    static func notFound() -> Response {
        var headers = privateHeaders()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
        let html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Link not found</title></head>
            <body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2937">
            <h1 style="font-size:1.4rem">This link does not exist</h1>
            <p>The link may be mistyped, or it has expired.</p></body></html>

            """
        return Response(status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
