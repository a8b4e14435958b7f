import Campaigns
import Server
import Testing

/// `PUT /api/v1/settings` bodies read without a server: each error names the field at fault.
@Suite("Settings request validation")
struct SettingsRequestTests {
    static func blamedField(_ body: JSONValue) -> String? {
        do {
            _ = try SettingsRequest.update(from: body)
            return nil
        } catch {
            return (error as? APIError)?.field
        }
    }

    static func quietHours(start: String, end: String) -> JSONValue {
        .object(["channel": .string("sms"), "quiet_hours": .object(["start": .string(start), "end": .string(end)])])
    }

    /// " 24:00" and "24::00" read as 24:00 (times are trimmed and split on ":"): they used to
    /// pass the start check, which compared the text with "24:00", and be refused as a bad
    /// `quiet_hours.end` ("24::00" was found by Scripts/fuzz, settings).
    @Test(arguments: ["24:00", " 24:00", "24:00 ", "\t24:00", "24::00"])
    func aStartOf24HoursIsBlamedOnTheStart(_ start: String) {
        #expect(Self.blamedField(Self.quietHours(start: start, end: "21:00")) == "quiet_hours.start")
    }

    @Test func validWindowsAndBadEndsAreReadAsDocumented() throws {
        let parsed = try SettingsRequest.update(from: Self.quietHours(start: " 22:00", end: "24:00"))
        #expect(parsed.update.quietHours == .set(QuietHours(start: 22 * 60, end: 1440)!))
        #expect(Self.blamedField(Self.quietHours(start: "08:00", end: "24:01")) == "quiet_hours.end")
    }
}
