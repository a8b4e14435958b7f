import Foundation

/// A request path as the log shows it (DESIGN §13): a token in `/unsubscribe/…`, `/r/…` or
/// `/t/…` is cut to its first 8 characters and what follows it is left out, so a log reader can
/// tell requests apart but cannot unsubscribe anybody or follow their links.
enum LoggedPath {
    /// Path segments whose next segment is a token.
    static let tokenHolders: Set<String> = ["unsubscribe", "r", "t"]
    /// Characters of a token that are logged.
    static let keptCharacters = 8

    static func redacting(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for index in segments.indices.dropLast() {
            let name = (segments[index].removingPercentEncoding ?? String(segments[index])).lowercased()
            guard tokenHolders.contains(name), segments[index + 1].count > keptCharacters else { continue }
            let kept = segments[...index].joined(separator: "/")
            return kept + "/" + segments[index + 1].prefix(keptCharacters) + "…"
        }
        return path
    }
}
