import Foundation
import HTTPTypes
import Hummingbird

/// The admin UI's files (``AdminUIController`` serves them) and their security policies.
enum AdminUIFiles {
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

    /// The email preview's frame (`email-frame.html`): an email is shown as its recipient sees it,
    /// with its inline styles and its images from the web, so this one page (and the sandboxed
    /// `srcdoc` frame inside it, which inherits its policy) allows inline style and http(s)
    /// images; scripts only from the admin's own files, nothing sent anywhere, and only the admin
    /// UI itself may frame it. The email never runs script: its frame is `sandbox=""`.
    static let emailFramePage = "email-frame.html"
    static let emailFramePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src https: http: data:; "
        + "font-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

    /// No inline script or style, nothing from elsewhere; the API is same-origin; frames only of
    /// the admin's own pages (the email preview).
    static func contentSecurityPolicy(frameAncestors: [String]) -> String {
        let ancestors = (["'self'"] + frameAncestors).joined(separator: " ")
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "font-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors \(ancestors)"
    }
}
