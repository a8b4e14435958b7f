import Foundation

/// A locale as DESIGN §15 spells it: the language in lower case, then optionally `_` and the
/// region in upper case (`de`, `de_DE`, `pt_BR`). `pt-br`, `PT_br` and `pt_BR` are one key.
public struct LocaleKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The normalized spelling, e.g. `pt_BR`.
    public let rawValue: String

    /// A key typed by a person (a request's `*_i18n` key, the `locale` setting): a language of 2
    /// or 3 ASCII letters, optionally `-` or `_` and a region of 2 letters or 3 digits; nil for
    /// anything else (white space included, as openapi.yaml's pattern says).
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "_", omittingEmptySubsequences: false) }
        guard (1...2).contains(parts.count), let language = parts.first, Self.isLetters(language, 2...3) else { return nil }
        var key = language.lowercased()
        if parts.count == 2 {
            let region = parts[1]
            guard Self.isLetters(region, 2...2) || (region.count == 3 && region.allSatisfy { $0.isASCII && $0.isNumber }) else {
                return nil
            }
            key += "_" + region.uppercased()
        }
        rawValue = key
    }

    /// A locale as installations store it (WordPress' `WPLANG`, Booknetic's appointment
    /// `locale`): like ``init(parsing:)`` but anything after the region (`de_DE_formal`,
    /// `de_DE.UTF-8`) is ignored.
    public init?(stored text: String) {
        let head =
            text.trimmingCharacters(in: .whitespaces).split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            ?? ""
        let parts = head.split(whereSeparator: { $0 == "-" || $0 == "_" }).prefix(2)
        self.init(parsing: parts.joined(separator: "_"))
    }

    /// The language alone (`pt` of `pt_BR`).
    public var language: String { String(rawValue.prefix { $0 != "_" }) }

    /// Whether the key names a region too.
    public var hasRegion: Bool { rawValue.contains("_") }

    public var description: String { rawValue }

    public static func < (lhs: LocaleKey, rhs: LocaleKey) -> Bool { lhs.rawValue < rhs.rawValue }

    private static func isLetters(_ text: Substring, _ lengths: ClosedRange<Int>) -> Bool {
        lengths.contains(text.count) && text.allSatisfy { $0.isASCII && $0.isLetter }
    }
}

/// The email's call to action (DESIGN §15): a button labelled `label` linking to `url` (http or
/// https; shortcodes allowed in the URL, their values percent-encoded when rendered).
public struct CallToAction: Sendable, Hashable, Codable {
    public var label: String
    public var url: String

    public init(label: String, url: String) {
        self.label = label
        self.url = url
    }
}

/// A message's translations (DESIGN §15): subject, body and button label per locale (keys are
/// ``LocaleKey`` raw values), and the email's call to action in the base language.
public struct LocalizedContent: Sendable, Hashable {
    public var subjects: [String: String]
    public var bodies: [String: String]
    public var actionLabels: [String: String]
    public var action: CallToAction?

    public init(
        subjects: [String: String] = [:], bodies: [String: String] = [:], actionLabels: [String: String] = [:],
        action: CallToAction? = nil
    ) {
        self.subjects = subjects
        self.bodies = bodies
        self.actionLabels = actionLabels
        self.action = action
    }

    /// Every locale that has a variant of any part, sorted.
    public var locales: [LocaleKey] {
        Set(subjects.keys).union(bodies.keys).union(actionLabels.keys).compactMap(LocaleKey.init(parsing:)).sorted()
    }

    /// Whether no locale has a variant.
    public var hasVariants: Bool { !(subjects.isEmpty && bodies.isEmpty && actionLabels.isEmpty) }

    /// The variant a recipient whose locale is `locale` gets: the exact `ll_CC`, then the
    /// language `ll`, else nil (the base text).
    public func variant(for locale: LocaleKey?) -> LocaleKey? {
        guard let locale else { return nil }
        let available = Set(locales)
        if available.contains(locale) { return locale }
        return LocaleKey(parsing: locale.language).flatMap { available.contains($0) ? $0 : nil }
    }
}

extension MessageContent {
    /// The content in the variant `locale` (a key of its translations, as a log row stores it);
    /// a part without a translation keeps the base text, and nil or an unknown key is the base.
    public func variant(_ locale: String?) -> MessageContent {
        guard let locale else { return self }
        var content = self
        if subject != nil, let text = localized.subjects[locale] { content.subject = text }
        if let text = localized.bodies[locale] { content.body = text }
        if let label = localized.actionLabels[locale], content.localized.action != nil { content.localized.action?.label = label }
        return content
    }
}
