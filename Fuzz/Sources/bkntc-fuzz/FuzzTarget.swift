import Foundation

/// One parser under fuzzing: a name for `BKNTC_FUZZ_TARGET` and what it does with an input.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable (FuzzInput) -> Void

    /// Every target, by the name Scripts/fuzz and `Fuzz/Corpus/<name>/` use.
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "php-serialize", run: PHPSerializeTarget.run),
        FuzzTarget(name: "cron", run: CronTarget.run),
        FuzzTarget(name: "phone", run: PhoneTarget.run),
        FuzzTarget(name: "email", run: EmailTarget.run),
        FuzzTarget(name: "shortcode", run: ShortcodeTarget.run),
        FuzzTarget(name: "csv", run: CSVImportTarget.run),
        FuzzTarget(name: "twilio-form", run: TwilioFormTarget.run),
        FuzzTarget(name: "signature", run: SignatureTarget.run),
        FuzzTarget(name: "launch-token", run: LaunchTokenTarget.run),
        FuzzTarget(name: "unsubscribe", run: UnsubscribeTarget.run),
        FuzzTarget(name: "settings", run: SettingsTarget.run),
    ]

    /// The target named by `BKNTC_FUZZ_TARGET`; stops the process with the list of names otherwise.
    static func selectedFromEnvironment() -> FuzzTarget {
        let name = getenv("BKNTC_FUZZ_TARGET").map { String(cString: $0) } ?? ""
        if let target = all.first(where: { $0.name == name }) { return target }
        let names = all.map(\.name).joined(separator: " ")
        printError("BKNTC_FUZZ_TARGET must be one of: \(names) (got '\(name)')")
        exit(2)
    }
}

/// Stops the run with `message` when an invariant does not hold; libFuzzer then saves the input.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        printError("invariant failed: \(message())")
        abort()
    }
}

private func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
