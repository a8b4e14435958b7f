import Foundation
import HTTPTypes
import Hummingbird

/// `GET /admin/` (DESIGN §11): the admin UI, static files shipped in the binary's resources.
/// Only files that exist under `Resources/admin` are served, with a fixed content type per
/// extension; every answer carries a CSP without inline script, `frame-ancestors` from
/// `BKNTC_ADMIN_FRAME_ANCESTORS`, and `X-Content-Type-Options: nosniff`.
struct AdminUIController {
    /// The policy of every page but the email preview's frame.
    let policy: String

    init(deps: AppDependencies) {
        policy = AdminUIFiles.contentSecurityPolicy(frameAncestors: deps.adminFrameAncestors)
    }

    func addRoutes(to routes: inout RouteRegistrar) {
        routes.undeclared(.get, "admin", use: index)
        routes.undeclared(.get, "admin/:file", use: file)
        routes.undeclared(.get, "admin/js/:file", use: script)
        routes.declare(.get, "admin/", .open)
    }

    /// The page; `/admin` without the slash would resolve its relative links against `/`.
    @Sendable func index(_ request: Request, context: AppRequestContext) async throws -> Response {
        if !request.uri.path.hasSuffix("/") {
            var headers = HTTPFields()
            headers[.location] = "/admin/"
            return Response(status: .permanentRedirect, headers: headers)
        }
        return try serve("index.html")
    }

    @Sendable func file(_ request: Request, context: AppRequestContext) async throws -> Response {
        try serve(context.parameters.get("file") ?? "")
    }

    @Sendable func script(_ request: Request, context: AppRequestContext) async throws -> Response {
        try serve("js/" + (context.parameters.get("file") ?? ""))
    }

    private func serve(_ path: String) throws -> Response {
        guard let file = AdminUIFiles.files[path] else { throw APIError.notFound("admin file") }
        var headers = HTTPFields()
        headers[.contentType] = file.type
        headers[.contentSecurityPolicy] = path == AdminUIFiles.emailFramePage ? AdminUIFiles.emailFramePolicy : policy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        // The page is tiny and changes with each release; the launch token never reaches
        // the server in a URL (it is in the fragment), so nothing secret is cached.
        headers[.cacheControl] = path == "index.html" ? "no-store" : "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.data)))
    }
}
