import Foundation
import Testing

@testable import Campaigns

@Suite("SMSEncoding")
struct SMSEncodingTests {
    private func info(_ encoding: SMSCharset, _ units: Int, _ segments: Int) -> SMSInfo {
        SMSInfo(encoding: encoding, units: units, segments: segments)
    }

    @Test func emptyText() {
        #expect(SMSEncoding.analyze("") == info(.gsm7, 0, 0))
    }

    @Test func gsmSingleSegmentLimit() {
        #expect(SMSEncoding.analyze(String(repeating: "a", count: 160)) == info(.gsm7, 160, 1))
        #expect(SMSEncoding.analyze(String(repeating: "a", count: 161)) == info(.gsm7, 161, 2))
    }

    @Test func gsmMultiSegmentBoundary() {
        #expect(SMSEncoding.analyze(String(repeating: "a", count: 306)) == info(.gsm7, 306, 2))
        #expect(SMSEncoding.analyze(String(repeating: "a", count: 307)) == info(.gsm7, 307, 3))
        #expect(SMSEncoding.analyze(String(repeating: "a", count: 459)) == info(.gsm7, 459, 3))
        #expect(SMSEncoding.analyze(String(repeating: "a", count: 460)) == info(.gsm7, 460, 4))
    }

    @Test func extensionCharactersCountDouble() {
        #expect(SMSEncoding.analyze("{}") == info(.gsm7, 4, 1))
        #expect(SMSEncoding.analyze("^{}\\[~]|€\u{0C}") == info(.gsm7, 20, 1))
        #expect(SMSEncoding.analyze(String(repeating: "€", count: 80)) == info(.gsm7, 160, 1))
        // 162 septets: 76 euro signs (152) in the first part, 5 (10) in the second.
        #expect(SMSEncoding.analyze(String(repeating: "€", count: 81)) == info(.gsm7, 162, 2))
    }

    @Test func escapePairIsNotSplitAcrossSegments() {
        // 152 + 2 + 152 = 306 septets: naive 306 / 153 would be 2 parts, but the euro sign
        // cannot straddle the boundary: 152 | 2 + 151 | 1.
        let text = String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 152)
        #expect(SMSEncoding.analyze(text) == info(.gsm7, 306, 3))
        // Same length with the escape pair aligned to the boundary fits in 2.
        let aligned = String(repeating: "a", count: 151) + "€" + String(repeating: "a", count: 153)
        #expect(SMSEncoding.analyze(aligned) == info(.gsm7, 306, 2))
    }

    @Test func gsmBasicCharacters() {
        #expect(SMSEncoding.analyze("£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà@$") == info(.gsm7, 42, 1))
        #expect(SMSEncoding.analyze("Hi\r\nthere") == info(.gsm7, 9, 1))
        #expect(SMSEncoding.gsmBasic.count == 127)
        #expect(SMSEncoding.gsmExtension.count == 10)
        #expect(SMSEncoding.gsmBasic.isDisjoint(with: SMSEncoding.gsmExtension))
    }

    @Test func nonGSMCharactersSwitchToUCS2() {
        #expect(SMSEncoding.analyze("Hello 😀") == info(.ucs2, 8, 1))
        #expect(SMSEncoding.analyze("Привет") == info(.ucs2, 6, 1))
        #expect(SMSEncoding.analyze("`") == info(.ucs2, 1, 1))
        #expect(SMSEncoding.analyze("ê") == info(.ucs2, 1, 1))
        // Extension characters count as one UTF-16 unit once in UCS-2.
        #expect(SMSEncoding.analyze("€ ж") == info(.ucs2, 3, 1))
    }

    @Test func ucs2SingleSegmentLimit() {
        #expect(SMSEncoding.analyze(String(repeating: "ж", count: 70)) == info(.ucs2, 70, 1))
        #expect(SMSEncoding.analyze(String(repeating: "ж", count: 71)) == info(.ucs2, 71, 2))
        #expect(SMSEncoding.analyze(String(repeating: "😀", count: 35)) == info(.ucs2, 70, 1))
        #expect(SMSEncoding.analyze(String(repeating: "😀", count: 36)) == info(.ucs2, 72, 2))
    }

    @Test func ucs2MultiSegmentBoundary() {
        #expect(SMSEncoding.analyze(String(repeating: "ж", count: 134)) == info(.ucs2, 134, 2))
        #expect(SMSEncoding.analyze(String(repeating: "ж", count: 135)) == info(.ucs2, 135, 3))
    }

    @Test func surrogatePairIsNotSplitAcrossSegments() {
        // 66 + 2 + 66 = 134 units: naive 134 / 67 would be 2 parts, but the emoji cannot
        // straddle the boundary: 66 | 2 + 65 | 1.
        let text = String(repeating: "ж", count: 66) + "😀" + String(repeating: "ж", count: 66)
        #expect(SMSEncoding.analyze(text) == info(.ucs2, 134, 3))
        let aligned = String(repeating: "ж", count: 65) + "😀" + String(repeating: "ж", count: 67)
        #expect(SMSEncoding.analyze(aligned) == info(.ucs2, 134, 2))
    }

    @Test func codable() throws {
        #expect(SMSCharset.gsm7.rawValue == "GSM-7")
        #expect(SMSCharset.ucs2.rawValue == "UCS-2")
        let original = info(.ucs2, 72, 2)
        let data = try JSONEncoder().encode(original)
        #expect(try JSONDecoder().decode(SMSInfo.self, from: data) == original)
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains("\"UCS-2\""))
    }
}
