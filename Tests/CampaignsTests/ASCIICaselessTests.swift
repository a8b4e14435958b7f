import Foundation
import Testing

@testable import Campaigns

/// The byte-wise search answers what the lowered, Foundation-searched text answered before.
@Suite("ASCIICaseless")
struct ASCIICaselessTests {
    /// A small deterministic generator (SplitMix64), so every run checks the same texts.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Texts made of pieces of tags, mixed case, accents and emoji.
    static func texts(count: Int) -> [String] {
        let pieces = ["<", ">", "p", "P", "b", "B", "r", "R", "/", " ", "a", "A", "html", "HTML", "Body", "é", "🎉", "<Bo", "dy>", "\n"]
        var generator = SplitMix(state: 20_261_207)
        return (0..<count).map { _ in
            (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
        }
    }

    @Test func containsAgreesWithLoweredContains() {
        for text in Self.texts(count: 4_000) {
            for needle in ["<p", "<br", "<a ", "<b>", "<html", "</body>"] {
                #expect(ASCIICaseless.contains(text, needle) == text.lowercased().contains(needle), "\(text) \(needle)")
            }
        }
    }

    @Test func lastIndexAgreesWithBackwardsCaseInsensitiveSearch() {
        for text in Self.texts(count: 4_000) {
            for needle in ["</body>", "</html>", "<p"] {
                let expected = text.range(of: needle, options: [.caseInsensitive, .backwards])?.lowerBound
                #expect(ASCIICaseless.lastIndex(of: needle, in: text) == expected, "\(text) \(needle)")
            }
        }
    }

    @Test func matchesOnlyWholeBytesAndNeverPastTheEnd() {
        #expect(ASCIICaseless.contains("x</BODY>", "</body>"))
        #expect(!ASCIICaseless.contains("</BOD", "</body>"))
        #expect(!ASCIICaseless.contains("", "<p"))
        #expect(!ASCIICaseless.contains("<p", ""))
        #expect(ASCIICaseless.containsAny("Hello <STRONG>x", .init(["<p", "<strong"])))
        #expect(!ASCIICaseless.containsAny("Hello 🎉 <é>", .init(["<p", "<strong"])))
        let text = "é</body>é</BODY>é"
        #expect(ASCIICaseless.lastIndex(of: "</body>", in: text).map { text[$0...] } == "</BODY>é")
    }
}
