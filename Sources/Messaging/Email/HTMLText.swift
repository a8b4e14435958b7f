import Foundation

// MARK: - HTML to text

/// A small, forgiving HTML-to-text converter for email bodies.
struct HTMLTextExtractor {
    private let input: [Unicode.Scalar]
    private var position = 0
    private var output: [Unicode.Scalar] = []
    private var openLinks: [(href: String, start: Int)] = []

    /// Elements whose contents are dropped entirely.
    private static let droppedElements: Set<String> = ["head", "style", "script", "title", "template"]
    /// Elements that start and end a paragraph (a blank line).
    private static let paragraphElements: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"]
    /// Elements that start and end a line.
    private static let lineElements: Set<String> = [
        "div", "ul", "ol", "table", "tbody", "thead", "tfoot", "tr", "section", "article",
        "header", "footer", "nav", "center", "address", "pre", "form",
    ]

    private static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
        "copy": "©", "reg": "®", "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–",
        "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "laquo": "«", "raquo": "»",
        "euro": "€", "middot": "·", "bull": "•",
    ]

    init(_ html: String) {
        input = Array(html.unicodeScalars)
    }

    mutating func extract() -> String {
        while position < input.count {
            let scalar = input[position]
            if scalar == "<", let tag = tag(at: position) {
                position = tag.end
                handle(tag)
            } else if scalar == "&" {
                let (decoded, next) = entity(at: position)
                output += decoded.unicodeScalars
                position = next
            } else {
                output.append(scalar.properties.isWhitespace ? " " : scalar)
                position += 1
            }
        }
        return Self.tidy(String(String.UnicodeScalarView(output)))
    }

    // MARK: Tags

    private struct Tag {
        var name: String
        var isClosing: Bool
        var attributes: [Unicode.Scalar]
        var end: Int
    }

    /// The tag starting at `start` (a `<`), or `nil` when the `<` is just text.
    private func tag(at start: Int) -> Tag? {
        var index = start + 1
        guard index < input.count else { return nil }
        if input[index...].starts(with: "!--".unicodeScalars) {
            let end = find("-->", from: index + 3).map { $0 + 3 } ?? input.count
            return Tag(name: "!--", isClosing: false, attributes: [], end: end)
        }
        let isClosing = input[index] == "/"
        if isClosing {
            index += 1
        }
        guard index < input.count,
            input[index].properties.isAlphabetic || (!isClosing && (input[index] == "!" || input[index] == "?"))
        else { return nil }

        var name = String.UnicodeScalarView()
        while index < input.count, !input[index].properties.isWhitespace, input[index] != ">", input[index] != "/" {
            name.append(input[index])
            index += 1
        }
        let attributesStart = index
        var quote: Unicode.Scalar?
        while index < input.count {
            let scalar = input[index]
            if let open = quote {
                if scalar == open { quote = nil }
            } else if scalar == "\"" || scalar == "'" {
                quote = scalar
            } else if scalar == ">" {
                return Tag(
                    name: String(name).lowercased(), isClosing: isClosing,
                    attributes: Array(input[attributesStart..<index]), end: index + 1)
            }
            index += 1
        }
        return nil
    }

    private mutating func handle(_ tag: Tag) {
        let name = tag.name
        if Self.droppedElements.contains(name) {
            if !tag.isClosing && tag.attributes.last != "/" {
                skipContents(of: name)
            }
            return
        }
        switch name {
        case "br":
            output.append("\n")
        case "hr":
            endLine(blankLines: 1)
        case "li":
            endLine()
            if !tag.isClosing { output += "- ".unicodeScalars }
        case "td", "th":
            if tag.isClosing { output.append(" ") }
        case "img":
            if let alt = attribute("alt", in: tag.attributes), !alt.isEmpty {
                output += alt.unicodeScalars
            }
        case "a":
            if tag.isClosing {
                closeLink()
            } else {
                openLinks.append((attribute("href", in: tag.attributes) ?? "", output.count))
            }
        case _ where Self.paragraphElements.contains(name):
            endLine(blankLines: 1)
        case _ where Self.lineElements.contains(name):
            endLine()
        default:
            break
        }
    }

    /// Ends the current line (unless it already ended), followed by up to `blankLines` blank
    /// lines; spaces and tabs after the last line break do not count as text.
    private mutating func endLine(blankLines: Int = 0) {
        var existing = 0
        for scalar in output.reversed() {
            if scalar == "\n" {
                existing += 1
            } else if scalar != " " && scalar != "\t" {
                break
            }
        }
        let needed = blankLines + 1
        if existing < needed {
            output += Array(repeating: "\n", count: needed - existing)
        }
    }

    private mutating func closeLink() {
        guard let link = openLinks.popLast() else { return }
        let href = link.href.trimmingCharacters(in: .whitespacesAndNewlines)
        let start = min(link.start, output.count)
        let text = String(String.UnicodeScalarView(output[start...])).trimmingCharacters(in: .whitespacesAndNewlines)
        let lowercasedHref = href.lowercased()
        if href.isEmpty || href.hasPrefix("#") || lowercasedHref.hasPrefix("javascript:")
            || href == text || lowercasedHref == "mailto:" + text.lowercased()
        {
            return
        }
        output += (text.isEmpty ? href : " (\(href))").unicodeScalars
    }

    /// Moves past the closing tag of `name` (or to the end when there is none).
    private mutating func skipContents(of name: String) {
        var index = position
        while let found = find("</", from: index) {
            let nameStart = found + 2
            let candidate = String(String.UnicodeScalarView(input[nameStart..<min(nameStart + name.count, input.count)]))
            if candidate.lowercased() == name {
                if let close = find(">", from: nameStart) {
                    position = close + 1
                    return
                }
                break
            }
            index = found + 2
        }
        position = input.count
    }

    /// The decoded value of attribute `name` in a tag's attribute text.
    private func attribute(_ name: String, in attributes: [Unicode.Scalar]) -> String? {
        var index = 0
        func skipWhitespace() {
            while index < attributes.count, attributes[index].properties.isWhitespace { index += 1 }
        }
        while index < attributes.count {
            skipWhitespace()
            var key = String.UnicodeScalarView()
            while index < attributes.count, !attributes[index].properties.isWhitespace,
                attributes[index] != "=", attributes[index] != "/"
            {
                key.append(attributes[index])
                index += 1
            }
            skipWhitespace()
            var value = String.UnicodeScalarView()
            if index < attributes.count, attributes[index] == "=" {
                index += 1
                skipWhitespace()
                if index < attributes.count, attributes[index] == "\"" || attributes[index] == "'" {
                    let quote = attributes[index]
                    index += 1
                    while index < attributes.count, attributes[index] != quote {
                        value.append(attributes[index])
                        index += 1
                    }
                    index += 1
                } else {
                    while index < attributes.count, !attributes[index].properties.isWhitespace {
                        value.append(attributes[index])
                        index += 1
                    }
                }
            } else if key.isEmpty {
                index += 1
            }
            if String(key).lowercased() == name {
                return Self.decodeEntities(String(value))
            }
        }
        return nil
    }

    private func find(_ needle: String, from start: Int) -> Int? {
        let pattern = Array(needle.unicodeScalars)
        guard !pattern.isEmpty, start >= 0 else { return nil }
        var index = start
        while index + pattern.count <= input.count {
            if input[index] == pattern[0] && input[index..<(index + pattern.count)].elementsEqual(pattern) {
                return index
            }
            index += 1
        }
        return nil
    }

    // MARK: Entities

    /// The text of the character reference at `start` (an `&`) and the index after it; an
    /// unknown or malformed reference is kept as a literal `&`.
    private func entity(at start: Int) -> (String, Int) {
        var index = start + 1
        var name = String.UnicodeScalarView()
        while index < input.count, index - start <= 12, input[index] != ";" {
            let scalar = input[index]
            guard scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "#"
            else { return ("&", start + 1) }
            name.append(scalar)
            index += 1
        }
        guard index < input.count, input[index] == ";", let decoded = Self.decode(reference: String(name)) else {
            return ("&", start + 1)
        }
        return (decoded, index + 1)
    }

    /// `&name;` contents (without `&` and `;`) decoded, or `nil` when unknown.
    private static func decode(reference: String) -> String? {
        if reference.hasPrefix("#") {
            let digits = reference.dropFirst()
            let value: UInt32?
            if digits.first == "x" || digits.first == "X" {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return scalar == "\u{00A0}" ? " " : String(scalar)
        }
        return namedEntities[reference] ?? namedEntities[reference.lowercased()]
    }

    /// Decodes every character reference in `text` (used for attribute values).
    private static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let extractor = HTMLTextExtractor(text)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < extractor.input.count {
            if extractor.input[index] == "&" {
                let (decoded, next) = extractor.entity(at: index)
                output += decoded.unicodeScalars
                index = next
            } else {
                output.append(extractor.input[index])
                index += 1
            }
        }
        return String(output)
    }
}
