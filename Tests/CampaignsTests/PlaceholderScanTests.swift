import Foundation
import Testing

@testable import Campaigns

/// The byte-wise placeholder scan gives what the scalar-by-scalar scan it replaced gave: the same
/// rendered text, the same placeholders, over texts made of the pieces that matter (braces,
/// bars, token characters, long fallbacks, accents, combining marks, emoji).
@Suite("Placeholder scan")
struct PlaceholderScanTests {
    static let pieces = [
        "{", "}", "|", "customer_first_name", "customer_email", "unknown_1", "x", " ", "é", "e\u{301}", "\u{301}",
        "🎉", "👩‍👩‍👧", "\n", "\r\n", String(repeating: "a", count: 60), String(repeating: "ü", count: 45), "<b>", "&",
    ]

    static func texts(count: Int) -> [String] {
        var generator = ASCIICaselessTests.SplitMix(state: 7_654_321)
        return (0..<count).map { _ in
            (0..<Int.random(in: 0...14, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
        }
    }

    @Test func rendersAndFindsWhatTheScalarScanDid() {
        let ann = RecipientFields(firstName: "Ann & <Co>", lastName: nil, phone: "+447911123456", email: "ann@example.com")
        for text in Self.texts(count: 6_000) {
            for html in [false, true] {
                let expected = ScalarScan.substitute(text) { name, fallback in
                    guard let value = MessageRenderer.value(of: name, for: ann, channel: .email) else { return nil }
                    if let fallback, MessageRenderer.isBlank(value) { return fallback }
                    return html ? MessageRenderer.escapeHTML(value) : value
                }
                let rendered = MessageRenderer.render(text, for: ann, channel: .email, html: html)
                #expect(Array(rendered.unicodeScalars) == Array(expected.unicodeScalars), "\(text.debugDescription)")
            }
            var expected: [String] = []
            _ = ScalarScan.substitute(text) { name, fallback in
                expected.append(name + "|" + (fallback ?? "<nil>"))
                return nil
            }
            #expect(MessageRenderer.placeholders(in: text).map { $0.name + "|" + ($0.fallback ?? "<nil>") } == expected)
        }
    }

    @Test func aCombiningMarkAfterAPlaceholderStaysOnce() {
        let ann = RecipientFields(firstName: "Ann")
        #expect(MessageRenderer.render("{customer_first_name}\u{301}!", for: ann, channel: .sms) == "Ann\u{301}!")
        #expect(MessageRenderer.render("e\u{301}{customer_first_name}", for: ann, channel: .sms) == "e\u{301}Ann")
    }

    @Test func escapingAgreesWithTheEntityTable() {
        #expect(MessageRenderer.escapeHTML("a&b<c>d\"e'f é") == "a&amp;b&lt;c&gt;d&quot;e&#39;f é")
        #expect(MessageRenderer.escapeHTML("plain é 🎉") == "plain é 🎉")
    }
}

/// The scan as it was before it worked on bytes: the oracle.
private enum ScalarScan {
    static func substitute(_ text: String, _ replacement: (String, String?) -> String?) -> String {
        let scalars = text.unicodeScalars
        var output = String.UnicodeScalarView()
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if scalar == "{", let placeholder = placeholder(in: scalars, at: index) {
                if let value = replacement(placeholder.name, placeholder.fallback) {
                    output.append(contentsOf: value.unicodeScalars)
                } else {
                    output.append(contentsOf: scalars[index..<placeholder.end])
                }
                index = placeholder.end
                continue
            }
            output.append(scalar)
            index = scalars.index(after: index)
        }
        return String(output)
    }

    /// The placeholder that starts with the `{` at `start`, if one does: its name, its fallback
    /// (nil without a `|`) and the index after its `}`.
    private static func placeholder(
        in scalars: String.UnicodeScalarView, at start: String.UnicodeScalarView.Index
    ) -> (name: String, fallback: String?, end: String.UnicodeScalarView.Index)? {
        let nameStart = scalars.index(after: start)
        var nameEnd = nameStart
        while nameEnd < scalars.endIndex, isTokenScalar(scalars[nameEnd]) {
            nameEnd = scalars.index(after: nameEnd)
        }
        guard nameEnd > nameStart, nameEnd < scalars.endIndex else { return nil }
        let name = String(String.UnicodeScalarView(scalars[nameStart..<nameEnd]))
        if scalars[nameEnd] == "}" {
            return (name, nil, scalars.index(after: nameEnd))
        }
        guard scalars[nameEnd] == "|" else { return nil }
        let fallbackStart = scalars.index(after: nameEnd)
        var cursor = fallbackStart
        var length = 0
        while cursor < scalars.endIndex, length <= MessageRenderer.maxFallbackLength {
            switch scalars[cursor] {
            case "}":
                let fallback = String(String.UnicodeScalarView(scalars[fallbackStart..<cursor]))
                return (name, fallback, scalars.index(after: cursor))
            case "{":
                return nil
            default:
                cursor = scalars.index(after: cursor)
                length += 1
            }
        }
        return nil
    }

    private static func isTokenScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F:
            return true
        default:
            return false
        }
    }
}
