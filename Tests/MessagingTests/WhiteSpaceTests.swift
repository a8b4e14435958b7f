import Foundation
import Testing

@testable import Messaging

/// Trimming reply and header lines agrees with Foundation's `.whitespacesAndNewlines`.
@Suite("White space trimming")
struct WhiteSpaceTests {
    @Test(arguments: [
        "", " ", "250 OK\r\n", "\t 354 go ahead \t", "\u{00A0}x\u{2028}", " a b ", "\u{3000}全角\u{3000}", "e\u{301} ", "\r\n\r\n",
        "Retry-After: 5", "x",
    ])
    func agreesWithFoundation(_ text: String) {
        #expect(String(trimmingWhiteSpace(text)) == text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(String(trimmingWhiteSpace(Substring(text))) == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func percentEncodingKeepsOnlyTheUnreservedBytes() {
        #expect(FormField.percentEncode("Hi Ann & Bob: 10% é~_.-") == "Hi%20Ann%20%26%20Bob%3A%2010%25%20%C3%A9~_.-")
    }
}
