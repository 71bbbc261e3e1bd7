import CareAtlas
@testable import CareMaps
import Foundation
import Testing

struct PrintDocumentTests {
    @Test func japaneseBreaksBetweenAnyCharactersButNotBeforeClosingPunctuation() throws {
        try FontCheck.withContext(width: 1, height: 1) { cr, _ in
            let pen = Pen(cr: cr)
            pen.font(10)
            let three = pen.width("あいう")
            #expect(wrap("あいうえおかき", width: three, pen: pen) == ["あいう", "えおか", "き"])
            let lines = wrap("あいう。えお", width: three, pen: pen)
            #expect(lines == ["あい", "う。え", "お"])
            #expect(!lines.contains { $0.hasPrefix("。") })
            #expect(wrap("hello world foo", width: pen.width("hello world"), pen: pen) == ["hello world", "foo"])
            // A word wider than the line is broken between characters; "\n" forces a break.
            #expect(wrap("abcdef", width: pen.width("abc"), pen: pen) == ["abc", "def"])
            #expect(wrap("文京区\n港区", width: 500, pen: pen) == ["文京区", "港区"])
            // Mixed: a Latin word stays whole next to Japanese.
            #expect(wrap("区中央部 2SFCA", width: pen.width("区中央部 2SF"), pen: pen) == ["区中央部", "2SFCA"])
        }
    }

    /// The layout's widths (advances kept per code point) are Cairo's own, bit for bit, so that
    /// lines break exactly where `cairo_text_extents` would break them.
    @Test func keptAdvancesGiveCairosOwnWidths() throws {
        let texts = ["", "文京区", "区中央部 2SFCA", "患者50%圏（95%信頼区間 4.66–9.39）", "1,234,567", "hello world", "あいう。えお",
                     "Noto Sans CJK JP · 千代田区・中央区・港区・台東区", "x", "<10", "—", "e\u{301}t\u{e9}"]
        try FontCheck.withContext(width: 1, height: 1) { cr, _ in
            let kept = Pen(cr: cr, advances: Advances()), plain = Pen(cr: cr)
            // Before a font is selected through the pen, the width is Cairo's.
            #expect(kept.width("文京区") == plain.width("文京区"))
            for (size, bold) in [(10.0, false), (8.5, true), (8.5, false), (18, true), (7, false)] {
                kept.font(size, bold: bold)
                // `plain` asks cairo_text_extents (same context, same font).
                for text in texts {
                    #expect(kept.width(text).bitPattern == plain.width(text).bitPattern, "\(text) at \(size) pt\(bold ? " bold" : "")")
                    // Concatenations too (what wrap measures): the sum runs left to right like Cairo's.
                    #expect(kept.width(text + "区中央部").bitPattern == plain.width(text + "区中央部").bitPattern)
                }
                #expect(kept.width("文京区") > 3 * size * 0.9, "CJK glyphs are about 1 em wide")
            }
        }
    }

    @Test func columnsNarrowerThanAnEqualShareKeepTheirWidth() {
        typealias L = PrintDocument.LayoutState
        #expect(L.columnWidths([50, 100, 300], available: 300) == [50, 100, 150])
        #expect(L.columnWidths([50, 60], available: 300) == [50, 60])
        #expect(L.columnWidths([200, 200], available: 300) == [150, 150])
        #expect(L.isFigure("1,234") && L.isFigure("<10") && L.isFigure("x") && L.isFigure("12.5 %"))
        #expect(!L.isFigure("文京区") && !L.isFigure("13105a"))
    }

    /// The hand-written scanner of figures accepts exactly what the pattern it replaced accepts
    /// (the regex, compiled here once, is the reference).
    @Test func figureScannerMatchesItsPattern() {
        let pattern = #/[<>≤≥]?[-+−]?[0-9][0-9,.]*\s?%?/#
        let texts = ["", "0", "1,234", "1,234.5", "-3", "−3", "+3", "<10", "≥10", "≤ 10", "<<10", "12.5 %", "12.5%", "12.5  %", "12.5 %%",
                     "12.5\u{3000}%", "12 ", "12\n", ".5", ",5", "5,", "5.", "x", "X", "10+", "13105a", "文京区", "１２",
                     "-", "<", "%", "1 2", "1,2,3.4.5", "<-1", "-<1", "2.08e-05", "¥100", "100円", "10–13"]
        for t in texts {
            #expect(PrintDocument.LayoutState.isFigure(t) == (t == "x" || t.wholeMatch(of: pattern) != nil), "\(t.debugDescription)")
        }
    }

    /// A wide table of figures and long Japanese names: every figure stays whole on one line, no
    /// name is cut to one character per line, and nothing leaves the text width.
    @Test func figuresAreNeverBrokenAndTablesKeepToThePage() throws {
        let header = ["計画", "段階", "患者数（人）", "割合（%）", "95%CI下限（%）", "95%CI上限（%）", "追加患者数（人）", "65歳以上人口（人）"]
        let rows = (1...6).map { i in
            ["段階的拡大（自区→区中央部→患者50%圏）", "患者50%圏 \(i)", "1,311", "4.84", "3.43", "6.79", "1,234,567", "1,854,028"]
        }
        let doc = PrintDocument(blocks: [.table(header: header, rows: rows)])
        let pages = try doc.layout()
        var texts: [(String, Double)] = []
        for page in pages { for op in page { if case .text(let s, let x, _, _, _) = op { texts.append((s, x)) } } }
        for figure in ["1,311", "4.84", "3.43", "6.79", "1,234,567", "1,854,028"] {
            #expect(texts.filter { $0.0 == figure }.count == rows.count, "\(figure) is not whole on one line in every row")
        }
        #expect(!texts.contains { $0.0.count == 1 && $0.0 != "x" && $0.0.first!.isNumber == false && $0.0 != "（" }, "a name was broken one character per line")
        try FontCheck.withContext(width: 1, height: 1) { cr, _ in
            let pen = Pen(cr: cr)
            pen.font(8.5)
            for (text, x) in texts {
                #expect(x + pen.width(text) <= PrintDocument.pageWidth - PrintDocument.margin + 0.5, "\(text) leaves the page")
            }
        }
        // Minimums are kept when the natural widths do not fit, the rest shares what is left.
        let w = PrintDocument.LayoutState.columnWidths([400, 100, 100], minimum: [50, 90, 90], available: 300)
        #expect(w[1] >= 90 && w[2] >= 90 && abs(w.reduce(0, +) - 300) < 0.01)
    }

    func longTable() -> PrintDocument {
        let rows = (1...150).map { i in ["\(13100 + i)", "地域\(i)", i % 7 == 0 ? "<10" : "\(10 + i)"] }
        return PrintDocument(
            blocks: [
                .heading(level: 1, text: "区中央部 緩和ケア連携圏域の検討"), .paragraph(String(repeating: "患者の住所地から見た連携先の検討。", count: 20)),
                .table(header: ["コード", "地域", "患者数（人）"], rows: rows), .pageBreak, .map(SyntheticMap.map()),
            ],
            credits: ["「国土数値情報（行政区域データ）」（国土交通省）を加工して作成"])
    }

    @Test func longTablesSplitAcrossPagesWithTheHeaderRepeated() throws {
        let doc = longTable()
        let pages = try doc.layout()
        #expect(pages.count >= 4)
        var tablePages = 0
        var rowsSeen = Set<String>()
        for page in pages {
            var texts: [String] = []
            for op in page { if case .text(let s, _, _, _, _) = op { texts.append(s) } }
            if texts.contains(where: { $0.hasPrefix("地域") }) {
                tablePages += 1
                #expect(texts.contains("患者数（人）"), "table page without the header")
            }
            rowsSeen.formUnion(texts.filter { $0.hasPrefix("地域") && $0 != "地域" })
            for op in page {
                if case .text(_, _, let y, _, _) = op { #expect(y <= PrintDocument.pageHeight - PrintDocument.margin - doc.footerHeight + 0.01) }
            }
        }
        #expect(tablePages >= 2)
        #expect(rowsSeen.count == 150)
        // The map after the page break is alone on the last page.
        let last = try #require(pages.last)
        #expect(last.count == 1)
        if case .map = last[0] {} else { Issue.record("the last page should hold the map") }
    }

    @Test func documentBytesAreIdenticalAcrossRuns() throws {
        let meta = DocumentMetadata(title: "報告書", date: "2026-04-01")
        let a = try longTable().renderPDF(metadata: meta)
        let b = try longTable().renderPDF(metadata: meta)
        #expect(a == b)
        #expect(a.starts(with: Data("%PDF-".utf8)))
        let text = String(decoding: a, as: UTF8.self)
        let pages = try longTable().pageCount()
        #expect(text.contains("/Count \(pages)"))
    }

    @Test func pagePreviewShowsTextAndTheMap() throws {
        let doc = longTable()
        let meta = DocumentMetadata(title: "報告書", date: "2026-04-01")
        let first = try Raster(png: doc.renderPagePNG(0, metadata: meta))
        #expect(first.width == 827 && first.height == 1169)  // A4 at 100 dpi
        let dark = first.pixels.filter { ($0 >> 16) & 0xff < 128 }.count
        #expect(dark > 2_000, "page 1 has only \(dark) dark pixels")
        let last = try Raster(png: doc.renderPagePNG(try doc.pageCount() - 1, metadata: meta))
        #expect(Set(last.pixels).count > 20, "the map page is nearly blank")
        #expect(throws: MapRenderError.self) { try doc.renderPagePNG(99, metadata: meta) }
    }
}
