import Foundation
import HTTPTypes
import Hummingbird

/// `GET /admin/` (DESIGN §11): the admin UI, static files shipped in the binary's resources.
/// Only files that exist under `Resources/admin` are served, with a fixed content type per
/// extension; every answer carries a CSP without inline script, `frame-ancestors` from
/// `BKNTC_ADMIN_FRAME_ANCESTORS`, and `X-Content-Type-Options: nosniff`.
enum AdminRoutes {
    /// The admin files by path under `/admin/` (e.g. `js/app.js`), read once.
    static let files: [String: (data: Data, type: String)] = {
        guard let root = Bundle.module.url(forResource: "admin", withExtension: nil) else { return [:] }
        var files: [String: (Data, String)] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                let type = contentTypes[url.pathExtension], let data = try? Data(contentsOf: url)
            else { continue }
            let relative = url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)
            files[String(relative)] = (data, type)
        }
        return files
    }()

    static let contentTypes = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon",
    ]

    static func register(_ router: Router<AppRequestContext>, _ deps: AppDependencies) -> [RouteDeclaration] {
        let policy = contentSecurityPolicy(frameAncestors: deps.adminFrameAncestors)
        @Sendable func serve(_ path: String) throws -> Response {
            guard let file = files[path] else { throw APIError.notFound("admin file") }
            var headers = HTTPFields()
            headers[.contentType] = file.type
            headers[.contentSecurityPolicy] = path == emailFramePage ? emailFramePolicy : policy
            headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
            // The page is tiny and changes with each release; the launch token never reaches
            // the server in a URL (it is in the fragment), so nothing secret is cached.
            headers[.cacheControl] = path == "index.html" ? "no-store" : "no-cache"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.data)))
        }
        router.get("admin") { request, _ in
            // `/admin` without the slash would resolve the page's relative links against `/`.
            if !request.uri.path.hasSuffix("/") {
                var headers = HTTPFields()
                headers[.location] = "/admin/"
                return Response(status: .permanentRedirect, headers: headers)
            }
            return try serve("index.html")
        }
        router.get("admin/:file") { _, context in try serve(context.parameters.get("file") ?? "") }
        router.get("admin/js/:file") { _, context in try serve("js/" + (context.parameters.get("file") ?? "")) }
        return [RouteDeclaration(method: "GET", path: "/admin/", access: .open)]
    }

    /// The email preview's frame (`email-frame.html`): an email is shown as its recipient sees it,
    /// with its inline styles and its images from the web, so this one page (and the sandboxed
    /// `srcdoc` frame inside it, which inherits its policy) allows inline style and http(s)
    /// images; scripts only from the admin's own files, nothing sent anywhere, and only the admin
    /// UI itself may frame it. The email never runs script: its frame is `sandbox=""`.
    static let emailFramePage = "email-frame.html"
    static let emailFramePolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src https: http: data:; "
        + "font-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

    /// No inline script or style, nothing from elsewhere; the API is same-origin; frames only of
    /// the admin's own pages (the email preview).
    static func contentSecurityPolicy(frameAncestors: [String]) -> String {
        let ancestors = (["'self'"] + frameAncestors).joined(separator: " ")
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "font-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors \(ancestors)"
    }
}
