import Campaigns
import Foundation

/// Message templates and email subjects: the lines of the input are the template, the
/// customer's first name, last name, phone, email and a subject.
///
/// Every value is given without braces and between characters that cannot be part of a shortcode
/// name (on both sides: a template's `{` before `{customer_last_name}` once met a last name
/// starting `ast_name|` and formed `{ast_name|…}`), so no shortcode can be formed across a value: a known shortcode of the template never
/// survives rendering and every `{token}` left is one the template already had unknown, or the
/// fallback form of one it spelled `{name|` (a value may close `{name|…{customer_first_name}}`).
enum ShortcodeTarget {
    static func run(_ input: FuzzInput) {
        let fields = input.fields(6)
        let template = fields[0]
        let recipient = RecipientFields(
            firstName: "·" + withoutBraces(fields[1]) + "·", lastName: "·" + withoutBraces(fields[2]) + "·",
            phone: "+" + withoutBraces(fields[3]), email: "@" + withoutBraces(fields[4]))
        let unknown = Set(MessageRenderer.unknownShortcodes(in: template)).union(fallbackOpenings(in: template))

        for channel in [Channel.sms, .email] {
            for html in [false, true] {
                let output = MessageRenderer.render(template, for: recipient, channel: channel, html: html)
                for known in MessageRenderer.knownShortcodes {
                    require(!containsScalars(output, "{\(known)}"), "{\(known)} survives rendering of \(template.debugDescription)")
                }
                let left = Set(MessageRenderer.unknownShortcodes(in: output))
                require(left.isSubset(of: unknown), "rendering \(template.debugDescription) made new shortcodes \(left.subtracting(unknown))")
            }
        }

        let escaped = MessageRenderer.escapeHTML(fields[1])
        require(!escaped.unicodeScalars.contains { "<>\"'".unicodeScalars.contains($0) }, "escapeHTML left markup in \(escaped)")

        let subject = MessageRenderer.renderSubject(fields[5], for: recipient, channel: .email)
        require(!subject.unicodeScalars.contains { $0 == "\r" || $0 == "\n" }, "the subject \(subject.debugDescription) has a line break")
        checkHeader(MessageRenderer.encodeHeader(fields[5]), of: fields[5])
    }

    /// A header value is one printable ASCII line, or encoded words of ≤ 75 characters folded by
    /// CRLF + space, each decoding to whole UTF-8 characters.
    private static func checkHeader(_ header: String, of value: String) {
        if header.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) { return }
        var decoded = ""
        for word in header.components(separatedBy: "\r\n ") {
            require(word.utf8.count <= 75 && word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="), "bad encoded word \(word.debugDescription)")
            let base64 = word.dropFirst(10).dropLast(2)
            guard let bytes = Data(base64Encoded: String(base64)), let text = String(validating: bytes, as: UTF8.self) else {
                require(false, "encoded word \(word) of \(value.debugDescription) is not whole UTF-8")
                return
            }
            decoded += text
        }
        require(!decoded.unicodeScalars.contains { $0 == "\r" || $0 == "\n" }, "the encoded header of \(value.debugDescription) has a line break")
    }

    /// `{name}` for every `{name|` the template spells: the start of a fallback placeholder.
    private static func fallbackOpenings(in template: String) -> [String] {
        let scalars = Array(template.unicodeScalars)
        var found: [String] = []
        for (index, scalar) in scalars.enumerated() where scalar == "{" {
            var end = index + 1
            while end < scalars.count, isNameScalar(scalars[end]) { end += 1 }
            if end > index + 1, end < scalars.count, scalars[end] == "|" {
                found.append("{" + String(String.UnicodeScalarView(scalars[(index + 1)..<end])) + "}")
            }
        }
        return found
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: return true
        default: return false
        }
    }

    private static func withoutBraces(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "{" && $0 != "}" }))
    }

    /// Whether `text` contains `pattern` scalar for scalar (no Unicode canonical equivalence).
    private static func containsScalars(_ text: String, _ pattern: String) -> Bool {
        let haystack = Array(text.unicodeScalars)
        let needle = Array(pattern.unicodeScalars)
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return true }
        }
        return false
    }
}
