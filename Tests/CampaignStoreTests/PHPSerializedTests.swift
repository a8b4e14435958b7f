import Testing

@testable import CampaignStore

/// Inputs of the PHP-serialize reader that once crashed it (seen while writing the php-serialize
/// fuzz target; its harness replays them).
@Suite("PHP-serialized values")
struct PHPSerializedTests {
    @Test func readsWordPressRoles() {
        #expect(PHPSerialized.truthyKeys(#"a:2:{s:13:"administrator";b:1;s:6:"editor";b:0;}"#) == ["administrator"])
        #expect(PHPSerialized.stringValues(#"a:1:{i:0;s:18:"booknetic/init.php";}"#) == ["booknetic/init.php"])
    }

    /// A string length near `Int.max` overflowed `index + length` and trapped.
    @Test(arguments: [
        #"s:9223372036854775807:"x";"#,
        #"a:1:{s:9223372036854775807:"x";b:1;}"#,
        #"a:1:{s:9223372036854775000:"administrator";b:1;}"#,
    ])
    func hugeStringLengthsAreMalformedNotACrash(_ text: String) {
        #expect(PHPSerialized.parse(text) == nil)
        #expect(PHPSerialized.truthyKeys(text).isEmpty)
        #expect(PHPSerialized.stringValues(text).isEmpty)
    }
}
