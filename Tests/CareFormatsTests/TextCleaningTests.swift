import Foundation
import Testing

@testable import CareFormats

@Suite("Text cleaning (trimming and width folding of cells)")
struct TextCleaningTests {
    /// Cells as published tables hold them: ASCII, Japanese, full-width and no-break spaces, line
    /// ends from Excel, empty and blank cells.
    static let cells = [
        "", " ", "\u{3000}", " \t\r\n", "13105", " 13105 ", "\u{3000}文京区\u{3000}", "文京区", "文京区 ",
        " 東京都文京区本郷７丁目３番１号\n", "\u{00A0}1,234\u{00A0}", "\u{2028}x\u{2029}", "a b", "\u{3000}a\u{3000}b\u{3000}",
        "\u{FEFF}id", "ｱｲｳ ", "\u{1680}\u{2000}\u{200A}\u{202F}\u{205F}5\u{0085}", "\u{200B}zero-width\u{200B}",
    ]

    @Test("trimmed equals Foundation's trimming of .whitespacesAndNewlines on every cell")
    func trimmedEqualsFoundation() {
        for cell in Self.cells {
            let reference = cell.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(TextCleaning.trimmed(cell) == reference, "\(cell.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test("trimmed: hand-checked cases")
    func trimmedKnownAnswers() {
        #expect(TextCleaning.trimmed("\u{3000}文京区\u{3000}") == "文京区")
        #expect(TextCleaning.trimmed("  ") == "")
        #expect(TextCleaning.trimmed("a b") == "a b")  // inner space kept
        #expect(TextCleaning.trimmed("\u{FEFF}id") == "\u{FEFF}id")  // a byte-order mark is not white space
        #expect(TextCleaning.trimmed("\u{200B}x\u{200B}") == "x")  // a zero-width space is (as in Foundation)
        #expect(TextCleaning.trimmed("a\u{200B}b") == "a\u{200B}b")  // inside a cell it stays
    }

    @Test("asciiWidth folds full-width ASCII forms and the ideographic space, nothing else")
    func asciiWidth() {
        #expect(TextCleaning.asciiWidth("１３１０５") == "13105")
        #expect(TextCleaning.asciiWidth("令和７年９月１日") == "令和7年9月1日")
        #expect(TextCleaning.asciiWidth("（３）") == "(3)")
        #expect(TextCleaning.asciiWidth("ＡＢＣ－１\u{3000}") == "ABC-1 ")
        #expect(TextCleaning.asciiWidth("アイウ") == "アイウ")  // katakana stay full-width
        #expect(TextCleaning.asciiWidth("plain") == "plain")
        // Every full-width form U+FF01–U+FF5E maps to U+0021–U+007E, as Foundation's transform does.
        for v in UInt32(0xFF01)...0xFF5E {
            let s = String(Unicode.Scalar(v)!)
            #expect(TextCleaning.asciiWidth(s) == s.applyingTransform(.fullwidthToHalfwidth, reverse: false))
        }
    }
}
