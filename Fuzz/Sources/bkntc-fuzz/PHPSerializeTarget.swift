import CampaignStore

/// `wp_capabilities` and `active_plugins` as WordPress stores them: arbitrary text never crashes
/// the reader, and role names written the way PHP's `serialize()` writes them read back exactly.
enum PHPSerializeTarget {
    static func run(_ input: FuzzInput) {
        let text = input.text
        _ = PHPSerialized.truthyKeys(text)
        _ = PHPSerialized.stringValues(text)

        // The same text as role names, serialized as PHP would: `a:N:{s:len:"name";b:1;…}`.
        let names = text.split(separator: ",", omittingEmptySubsequences: false).prefix(50).map(String.init)
        let roles = "a:\(names.count):{" + names.map { "\(serialized($0))b:1;" }.joined() + "}"
        require(PHPSerialized.truthyKeys(roles) == Set(names), "role names do not read back from \(roles)")
        let list = "a:\(names.count):{" + names.enumerated().map { "i:\($0.offset);\(serialized($0.element))" }.joined() + "}"
        require(PHPSerialized.stringValues(list) == names, "list values do not read back from \(list)")
    }

    private static func serialized(_ string: String) -> String {
        "s:\(string.utf8.count):\"\(string)\";"
    }
}
