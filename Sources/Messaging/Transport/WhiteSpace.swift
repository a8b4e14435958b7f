/// `text` without white space (Unicode's White_Space, the set of Foundation's
/// `.whitespacesAndNewlines`) at either end; every reply line of an SMTP session passes here.
func trimmingWhiteSpace(_ text: String) -> Substring {
    trimmingWhiteSpace(Substring(text))
}

/// `text` without white space at either end (see the `String` form).
func trimmingWhiteSpace(_ text: Substring) -> Substring {
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return Substring(scalars[first...last])
}
