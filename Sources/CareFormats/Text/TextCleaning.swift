/// Trimming and width folding for table cells, without Foundation's `CharacterSet` machinery in
/// the loop: registries and population tables call these once or more per cell (hundreds of
/// thousands of times per study load), and the common cell — ASCII, or Japanese text that starts
/// and ends with a letter — is returned as it is after looking at its first and last bytes.
public enum TextCleaning {
    /// `text` without leading and trailing white space: the Unicode White_Space property, which
    /// covers ASCII blanks and line ends, the no-break space, the ideographic space U+3000 and the
    /// line and paragraph separators, plus the zero-width space U+200B (pasted from web pages) —
    /// the same set as Foundation's `.whitespacesAndNewlines` on Linux.
    public static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let firstByte = utf8.first, let lastByte = utf8.last else { return text }
        // A printable ASCII byte at both ends (the usual cell): nothing to trim.
        if isPrintableASCII(firstByte), isPrintableASCII(lastByte) { return text }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhiteSpace($0) }),
              let last = scalars.lastIndex(where: { !isWhiteSpace($0) })
        else { return "" }
        if first == scalars.startIndex, last == scalars.index(before: scalars.endIndex) { return text }
        return String(scalars[first...last])
    }

    /// Whether the scalar is white space (Unicode White_Space or U+200B; ASCII decided without a
    /// table).
    @inline(__always)
    public static func isWhiteSpace(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value == 0x20 || (0x09...0x0D).contains(s.value) }
        return s.value == 0x200B || s.properties.isWhitespace
    }

    /// Full-width ASCII forms (U+FF01–U+FF5E: `０`–`９`, `Ａ`–`ｚ`, `（`, `－`, …) and the ideographic
    /// space folded to ASCII; every other character kept. Cells that are ASCII already are returned
    /// as they are. Unlike Foundation's full-width-to-half-width transform, katakana stay full-width.
    public static func asciiWidth(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        var scalars = String.UnicodeScalarView()
        var changed = false
        for s in text.unicodeScalars {
            if (0xFF01...0xFF5E).contains(s.value), let folded = Unicode.Scalar(s.value - 0xFEE0) {
                scalars.append(folded)
                changed = true
            } else if s.value == 0x3000 {
                scalars.append(" ")
                changed = true
            } else {
                scalars.append(s)
            }
        }
        return changed ? String(scalars) : text
    }

    @inline(__always)
    private static func isPrintableASCII(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }
}
